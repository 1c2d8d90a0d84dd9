"""Instruction override in further languages attackers use (Italian, Portuguese, Dutch,
Polish, Croatian/Serbian/Bosnian): the one family that carries most of the risk, kept to
verb + "all/previous" + instructions shapes.
"""

from __future__ import annotations

from reconciler.guard.rules import Rule, rule

_NOUNS = (
    "istruzioni regole comandi instrucoes instrucao regras comandos instructies regels "
    "opdrachten instrukcje polecenia zasady instrukcije upute pravila naredbe uputstva"
)
_VERBS = (
    "ignora ignorate dimentica dimenticate ignore ignora esqueca esquece esquecam negeer "
    "vergeet zignoruj zapomnij ignoruj zaboravi ignorisi ignoriraj zanemari zaboravite"
)

RULES: tuple[Rule, ...] = (
    rule(
        "instruction override",
        "other",
        1.0,
        r"\b(?:ignora(?:te)?|dimentica(?:te)?|ignore|esque[cs][ae]m?|negeer|vergeet|zignoruj"
        r"|zapomnij|ignoruj|zaboravi(?:te)?|ignori(?:si|raj)|zanemari)(?: \w+){0,3}?"
        r" (?:istruzioni|regole|comandi|instruc[oa]o?e?s|regras|comandos|instructies|regels"
        r"|opdrachten|instrukcje|polecenia|zasady|instrukcije|upute|pravila|naredbe|uputstva)\b",
        words=_NOUNS,
        also=_VERBS,
        reach=(70, 4),
    ),
)
