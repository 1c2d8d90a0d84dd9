"""One detection view prepared for the phrase rules: its words and where gate words occur.

A scan runs about a hundred rules over each view, and many share gate words ("rules",
"instructions", "now"). Finding a gate word's occurrences is the costly part of choosing
search windows, so a ``ViewText`` finds them once per view and every rule reuses them.
"""

from __future__ import annotations

_EDGE_PUNCTUATION = ".,;:!?\"'()[]{}<>*_`~#|/\\"
# ASCII punctuation that separates words; str.translate has a fast path for ASCII text.
_SEPARATORS = '.,;:!?"()[]{}<>*_`~#|\\-'
_TO_SPACE = str.maketrans(_SEPARATORS, " " * len(_SEPARATORS))
MAX_WINDOWS = 48  # past this many occurrences one full search is cheaper

Span = tuple[int, int]


def words_of(view: str) -> set[str]:
    """The view's distinct words: split at whitespace and punctuation, hyphens included."""
    if view.isascii():
        return set(view.translate(_TO_SPACE).split())
    words = {token.strip(_EDGE_PUNCTUATION) for token in set(view.split())}
    for token in [w for w in words if "-" in w]:
        words.update(token.split("-"))
    return words


class ViewText:
    """A view, its word set, and the occurrences of gate words found so far."""

    __slots__ = ("_found", "_windows", "text", "words")

    def __init__(self, text: str, words: set[str] | None = None) -> None:
        self.text = text
        self.words = words_of(text) if words is None else words
        self._found: dict[str, list[int]] = {}
        self._windows: dict[tuple[frozenset[str], Span], list[Span] | None] = {}

    def occurrences(self, anchor: str) -> list[int]:
        """Where ``anchor`` occurs as a substring, at most ``MAX_WINDOWS + 1`` of them."""
        found = self._found.get(anchor)
        if found is None:
            found = self._found[anchor] = positions(self.text, anchor, MAX_WINDOWS)
        return found

    def windows(self, anchors: frozenset[str], reach: Span) -> list[Span] | None:
        """Merged spans around each anchor occurrence, or None when there are too many.

        Rules that share gate words and reach (several override rules gate on the same
        nouns) share the result.
        """
        key = (anchors, reach)
        if key not in self._windows:
            self._windows[key] = self._merged_spans(anchors, reach)
        return self._windows[key]

    def _merged_spans(self, anchors: frozenset[str], reach: Span) -> list[Span] | None:
        before, after = reach
        spans: list[Span] = []
        for anchor in anchors:
            found = self.occurrences(anchor)
            if len(spans) + len(found) > MAX_WINDOWS:
                return None
            tail = len(anchor) + after
            spans += [(at - before if at > before else 0, at + tail) for at in found]
        if len(spans) == 1:
            return spans
        spans.sort()
        merged = [spans[0]]
        for start, end in spans:
            last_start, last_end = merged[-1]
            if start <= last_end:
                if end > last_end:
                    merged[-1] = (last_start, end)
            else:
                merged.append((start, end))
        return merged


def positions(text: str, anchor: str, limit: int, end: int | None = None) -> list[int]:
    """Where ``anchor`` occurs (wholly before ``end``), stopping once more than ``limit``
    are found."""
    found: list[int] = []
    at = text.find(anchor, 0, end)
    while at != -1 and len(found) <= limit:
        found.append(at)
        at = text.find(anchor, at + 1, end)
    return found
