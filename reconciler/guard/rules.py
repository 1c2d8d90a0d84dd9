"""Phrase rules and the cheap gate that decides where to run them.

A rule is a precompiled regular expression over a detection view (lowercase, accents and
look-alikes folded) with a weight and a family. Running every expression over a whole 4 KB
view costs far more than the latency budget: Python's regex engine pays per position. So a
rule names the whole words (or, for markup, the literal snippets) without which it cannot
match; the view's word set is built once, and a rule whose words are present is run only in
windows around their occurrences. Expressions use bounded repetition only, so no input can
make them backtrack catastrophically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EDGE_PUNCTUATION = ".,;:!?\"'()[]{}<>*_`~#|/\\"
# ASCII punctuation that separates words; str.translate has a fast path for ASCII text.
_SEPARATORS = '.,;:!?"()[]{}<>*_`~#|\\-'
_TO_SPACE = str.maketrans(_SEPARATORS, " " * len(_SEPARATORS))
REACH = 150  # characters either side of a gate word that a match may span
MAX_WINDOWS = 48  # past this many occurrences one full search is cheaper


@dataclass(frozen=True)
class Rule:
    """One phrase pattern of a family, in one language."""

    family: str
    lang: str
    weight: float
    pattern: re.Pattern[str]
    words: frozenset[str]
    literals: tuple[str, ...]
    also: frozenset[str] = frozenset()
    reach: tuple[int, int] = (REACH, REACH)

    def find(self, view: str, words: set[str]) -> re.Match[str] | None:
        """Search the view near the rule's gate words; None when it does not match.

        Literal-gated rules start with that literal, which the regex engine finds with a
        fast substring search, so they search the whole view.
        """
        if self.also and self.also.isdisjoint(words):
            return None
        for literal in self.literals:
            if literal in view:
                return self.pattern.search(view)
        anchors = self.words & words
        if not anchors:
            return None
        windows = _windows(view, anchors, self.reach)
        if windows is None:
            return self.pattern.search(view)
        for start, end in windows:
            if found := self.pattern.search(view, start, end):
                return found
        return None


def _windows(
    view: str, anchors: frozenset[str], reach: tuple[int, int]
) -> list[tuple[int, int]] | None:
    """Merged spans around each anchor occurrence, or None when there are too many."""
    before, after = reach
    spans: list[tuple[int, int]] = []
    for anchor in anchors:
        at = view.find(anchor)
        while at != -1:
            if len(spans) >= MAX_WINDOWS:
                return None
            spans.append((max(0, at - before), at + len(anchor) + after))
            at = view.find(anchor, at + 1)
    spans.sort()
    merged = [spans[0]]
    for start, end in spans[1:]:
        if start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def rule(
    family: str,
    lang: str,
    weight: float,
    pattern: str,
    *,
    words: str = "",
    literals: tuple[str, ...] = (),
    also: str = "",
    reach: tuple[int, int] = (REACH, REACH),
) -> Rule:
    """Compile a rule.

    ``words`` (space-separated) are the gate words the search windows are centred on;
    ``also``, when given, is a second group of which at least one word must be present too.
    ``reach`` is how far before and after a gate word a match can extend.
    """
    if not words.split() and not any(literals):
        raise ValueError(f"rule {pattern!r} has no gate words or literals")
    compiled = re.compile(pattern, re.MULTILINE)
    return Rule(
        family,
        lang,
        weight,
        compiled,
        frozenset(words.split()),
        literals,
        frozenset(also.split()),
        reach,
    )


def gap(n: int) -> str:
    """Up to ``n`` intervening words, matched lazily and boundedly."""
    return rf"(?:\s+[\w'-]+){{0,{n}}}?\s+"


def words_of(view: str) -> set[str]:
    """The view's distinct words: split at whitespace and punctuation, hyphens included."""
    if view.isascii():
        return set(view.translate(_TO_SPACE).split())
    words = {token.strip(_EDGE_PUNCTUATION) for token in set(view.split())}
    for token in [w for w in words if "-" in w]:
        words.update(token.split("-"))
    return words
