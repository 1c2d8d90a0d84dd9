"""Phrase rules and the cheap gate that decides where to run them.

A rule is a regular expression over a detection view (lowercase, accents and look-alikes
folded) with a weight and a family. It is compiled the first time it runs: a one-shot
command (``validate`` linting a few templates) reaches a handful of the ~250 rules, and
compiling them all would cost it 0.1-0.2 s. Running every expression over a whole 4 KB
view costs far more than the latency budget: Python's regex engine pays per position. So a
rule names the whole words (or, for markup, the literal snippets) without which it cannot
match; the view's word set is built once, a ``RuleSet`` visits only the rules whose words
are present, and each runs only in windows around their occurrences, and there only where
one of its opening literals occurs (see ``prefilter``). Expressions use bounded repetition
only, so no input can make them backtrack catastrophically.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property

from reconciler.guard.gating import ViewText
from reconciler.guard.prefilter import match_at_starts, start_literals

REACH = 150  # characters either side of a gate word that a match may span


@dataclass(frozen=True)
class Rule:
    """One phrase pattern of a family, in one language."""

    family: str
    lang: str
    weight: float
    source: str  # the expression, compiled with ``re.MULTILINE`` on first use
    words: frozenset[str]
    literals: tuple[str, ...]
    also: frozenset[str] = frozenset()
    reach: tuple[int, int] = (REACH, REACH)
    concept: str = ""  # rules of one concept in several languages count once together
    near: int = 0  # when set, an ``also`` word must occur this close to a gate word
    # when set, every match starts at most this far before one of its literals
    lead: int | None = None
    guided: bool = True  # when False, never search from the opening literals (tests compare)
    # what a match asks, in words, where the family's words would say more than it does
    says: str = ""

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The compiled expression, compiled by the first call (on Python 3.11 a first call
        from another thread waits for it; from 3.12 two threads may both compile, harmlessly)."""
        return re.compile(self.source, re.MULTILINE)

    @cached_property
    def starts(self) -> tuple[str, ...] | None:
        """The literals every match opens with (``prefilter``), or None to search as is."""
        if not self.guided:
            return None
        return start_literals(self.pattern)

    def _search(self, text: str, start: int, end: int) -> re.Match[str] | None:
        """The leftmost match in ``[start, end)``, tried only at opening literals if known."""
        if self.starts:
            return match_at_starts(self.pattern, text, self.starts, start, end)
        return self.pattern.search(text, start, end)

    def _search_from_literals(self, text: str, lead: int) -> re.Match[str] | None:
        """Search from the first literal occurrence on: the same match, less text to try."""
        places = [at for at in map(text.find, self.literals) if at != -1]
        if not places:
            return None
        return self.pattern.search(text, max(0, min(places) - lead))

    def _search_whole(self, text: str) -> re.Match[str] | None:
        """The leftmost match in the view, for a rule gated on literals.

        An expression that opens with one literal lets the regex engine skip to it itself;
        one that opens with an alternation of words is tried at every position, and the
        opening literals find the same match faster (the letter-spacing rules: 23-28 µs a
        search on a 3 KB view, 10-13 µs from their literals).
        """
        starts = self.starts
        if starts and len(starts) > 1:
            return match_at_starts(self.pattern, text, starts, 0, len(text))
        return self.pattern.search(text)

    def find(self, view: ViewText) -> re.Match[str] | None:
        """Search the view near the rule's gate words; None when it does not match.

        Literal-gated rules search the whole view once one of their literals is in it.
        """
        present = view.words
        if self.also and self.also.isdisjoint(present):
            return None
        text = view.text
        if self.lead is not None:
            return self._search_from_literals(text, self.lead)
        for literal in self.literals:
            if literal in text:
                return self._search_whole(text)
        anchors = self.words & present
        if not anchors:
            return None
        if self.near:
            windows = self._near_windows(view, anchors, self.also & present)
            if not windows:
                return None
        else:
            windows = view.windows(anchors, self.reach) or [(0, len(text))]
        for start, end in windows:
            if found := self._search(text, start, end):
                return found
        return None

    def _near_windows(
        self, view: ViewText, anchors: frozenset[str], others: frozenset[str]
    ) -> list[tuple[int, int]]:
        """Windows around the gate words that have an ``also`` word within ``near``."""
        close = sorted(at for word in others for at in view.occurrences(word))
        before, after = self.reach
        found: list[tuple[int, int]] = []
        for word in anchors:
            for at in view.occurrences(word):
                i = bisect_left(close, at - self.near)
                if i < len(close) and close[i] <= at + self.near:
                    found.append((max(at - before, 0), at + len(word) + after))
        return sorted(found)


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
    concept: str = "",
    near: int = 0,
    lead: int | None = None,
    says: str = "",
) -> Rule:
    """Make a rule (its expression is compiled when it first runs).

    ``words`` (space-separated) are the gate words the search windows are centred on;
    ``also``, when given, is a second group of which at least one word must be present too.
    ``reach`` is how far before and after a gate word a match can extend. With ``near``,
    the rule runs only around gate words that have an ``also`` word that close. ``says``
    puts a match in words when its family's words would say more than it does.
    """
    if not words.split() and not any(literals):
        raise ValueError(f"rule {pattern!r} has no gate words or literals")
    return Rule(
        family,
        lang,
        weight,
        pattern,
        frozenset(words.split()),
        literals,
        frozenset(also.split()),
        reach,
        concept,
        near,
        lead,
        says=says,
    )


def gap(n: int) -> str:
    """Up to ``n`` intervening words, matched lazily and boundedly."""
    return rf"(?:\s+[\w'-]+){{0,{n}}}?\s+"


class RuleSet:
    """Rules in their order, indexed by word so that a view visits only rules it can match.

    Each rule gets a bit; a view's candidates are the rules one of whose gate words (or
    literals) it has, and which have one of their ``also`` words too.
    """

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules
        self._literal = self._unconditional = 0
        self._gate: dict[str, int] = {}
        self._also: dict[str, int] = {}
        for bit, each in enumerate(rules):
            if each.literals:
                self._literal |= 1 << bit
            if not each.also:
                self._unconditional |= 1 << bit
            for word in each.words:
                self._gate[word] = self._gate.get(word, 0) | 1 << bit
            for word in each.also:
                self._also[word] = self._also.get(word, 0) | 1 << bit
        self._gate_words = frozenset(self._gate)
        self._also_words = frozenset(self._also)

    def candidates(self, view: ViewText) -> list[Rule]:
        """The rules whose gates the view passes, in their original order."""
        gate, also = self._literal, self._unconditional
        for word in view.words & self._gate_words:
            gate |= self._gate[word]
        for word in view.words & self._also_words:
            also |= self._also[word]
        mask = gate & also
        found = []
        while mask:
            low = mask & -mask
            found.append(self.rules[low.bit_length() - 1])
            mask ^= low
        return found
