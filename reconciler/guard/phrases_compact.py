"""Rules for the letters-only view, used when an input spells words letter by letter.

Once spaces and punctuation are gone word boundaries are too, so only long, specific
phrases are safe to look for here; the gates are word stems found as substrings.
"""

from __future__ import annotations

from reconciler.guard.rules import Rule, rule

COMPACT_RULES: tuple[Rule, ...] = (
    rule(
        "instruction override",
        "en",
        0.8,
        r"(?:ignor|disregard|forget|overrid|bypass)[a-z]{0,30}?(?:previous|prior|above|your)"
        r"(?:instruction|guideline|directive|rules|prompt)",
        literals=("ignor", "disregard", "forget", "overrid", "bypass"),
    ),
    rule(
        "system prompt extraction",
        "en",
        0.8,
        r"(?:reveal|show|print|repeat|output|display)[a-z]{0,20}?(?:systemprompt"
        r"|yourinstructions|yourprompt|initialprompt)",
        literals=("prompt", "instructions"),
    ),
    rule(
        "persona",
        "en",
        0.8,
        r"doanythingnow|developermode(?:enabled|output)",
        literals=("doanythingnow", "developermode"),
    ),
    rule(
        "instruction override",
        "de",
        0.8,
        r"(?:ignorier|vergiss|vergessen)[a-z]{0,30}?(?:anweisung|instruktion|regeln|befehle)",
        literals=("ignorier", "vergiss", "vergessen"),
    ),
    rule(
        "instruction override",
        "fr",
        0.8,
        r"(?:ignore|oublie)[a-z]{0,30}?(?:instructions|consignes)",
        literals=("ignore", "oublie"),
    ),
    rule(
        "instruction override",
        "es",
        0.8,
        r"(?:ignora|olvida)[a-z]{0,30}?(?:instrucciones|reglas)",
        literals=("ignora", "olvida"),
    ),
)
