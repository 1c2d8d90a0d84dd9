"""Whether a phrase is aimed at the assistant, quoted inside a story, or forbidden.

A story, a screenplay or a question about attacks can contain "ignore all previous
instructions" as something a character says; an attack says it to the assistant. An
override found inside quotation marks on its line, or right after a verb of speech ("she
said", "the character whispers"), is counted at ``NARRATED`` of its weight. Attacks that
hide behind a story still score on everything else they do (the persona, the lifted limits,
the forced output), which is why the rest of the evidence is not discounted.

A prohibition forbids the very thing an attack orders: "never reveal your system prompt" and
"do not ignore these rules" are in half the system prompts written, and are no evidence of
an attack at all, so a phrase right after an English negation is not counted. Verbs of
compliance are the exception ("do not follow the rules above" is itself the override), and
so are negations further away ("do not hesitate to ignore ..." is an order).
"""

from __future__ import annotations

import re

NARRATED = 0.5
DAMPED_FAMILIES = frozenset({"instruction override", "system prompt extraction"})
_QUOTES = '"“”«»'
_SPEECH = re.compile(
    r"\b(?:says?|said|saying|tells?|told|asks?|asked|whispers?|whispered|shouts?|shouted"
    r"|yells?|yelled|writes?|wrote|replies|replied|exclaims?|exclaimed|mutters?|muttered"
    r"|reads?|typed|types|the line|the phrase|the sentence|the words)\b[^.!?\n]{0,12}$"
)
_LOOKBACK = 60
PROHIBITABLE_FAMILIES = frozenset({*DAMPED_FAMILIES, "persona"})
_PROHIBITION = re.compile(
    r"(?:\b(?:do|does|must|should|shall|will|can|may|would|could)(?: not|n't)"
    r"|\b(?:never|cannot|dont|don't|not to))"
    r"(?:,? (?:ever|under any circumstances|at any time|for any reason),?)? $"
)
_COMPLIANCE = re.compile(r"(?:follow|obey|listen|adhere|comply|respect|heed|abide|stick)\b")
_PROHIBITION_REACH = 40


def narrated(text: str, start: int) -> bool:
    """Tell whether the phrase at ``start`` is quoted on its line or follows a verb of speech."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    if sum(before.count(q) for q in _QUOTES) % 2 == 1:
        return True
    return _SPEECH.search(text, max(line_start, start - _LOOKBACK), start) is not None


def prohibited(text: str, start: int) -> bool:
    """Tell whether the phrase at ``start`` is forbidden ("never reveal ...") rather than
    ordered: an English negation ends right before it and its verb is not one of compliance."""
    if _COMPLIANCE.match(text, start):
        return False
    return _PROHIBITION.search(text, max(0, start - _PROHIBITION_REACH), start) is not None
