"""Whether a phrase is aimed at the assistant, or quoted and narrated inside a story.

A story, a screenplay or a question about attacks can contain "ignore all previous
instructions" as something a character says; an attack says it to the assistant. An
override found inside quotation marks on its line, or right after a verb of speech ("she
said", "the character whispers"), is counted at ``NARRATED`` of its weight. Attacks that
hide behind a story still score on everything else they do (the persona, the lifted limits,
the forced output), which is why the rest of the evidence is not discounted.
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


def narrated(text: str, start: int) -> bool:
    """Tell whether the phrase at ``start`` is quoted on its line or follows a verb of speech."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    if sum(before.count(q) for q in _QUOTES) % 2 == 1:
        return True
    return _SPEECH.search(text, max(line_start, start - _LOOKBACK), start) is not None
