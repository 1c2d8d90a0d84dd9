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
_TOKEN_REACH = 64  # a blanked phrase's tokens are looked at up to this far beyond it
# The characters a word of an ASCII text ends at: blanks (as ``str.split`` has them) and separators.
_BOUNDARIES = frozenset(_SEPARATORS + "".join(c for c in map(chr, range(128)) if c.isspace()))

Span = tuple[int, int]


def words_of(view: str) -> set[str]:
    """The view's distinct words: split at whitespace and punctuation, hyphens included."""
    return _ascii_words(view) if view.isascii() else _unicode_words(view)


def _ascii_words(view: str) -> set[str]:
    return set(view.translate(_TO_SPACE).split())


def _unicode_words(view: str, edge: str = _EDGE_PUNCTUATION) -> set[str]:
    """Tokens between blanks, their edge punctuation stripped, and their hyphenated parts."""
    words = {token.strip(edge) for token in set(view.split())}
    for token in [w for w in words if "-" in w]:
        words.update(token.split("-"))
    return words


def joined_words(view: str, words: set[str], joiners: str) -> set[str] | None:
    """The words ``words_of`` would find in ``view`` if the characters ``joiners`` (separators
    and edge punctuation, "!" and "|" as leetspeak reads them) were letters, made from the
    view's ``words``; None when that would take longer than splitting the view again.

    Only the tokens with a joiner change (a 4 KB block of leetspeak has one to three; a new
    split costs 30-110 us): their words as joined are added, and each word they had before is
    kept when it is still a word of another token, looked for as in ``ViewText.blanked``.
    """
    ascii = view.isascii()
    stops = _SEPARATORS.translate({ord(c): None for c in joiners}) if ascii else ""
    found = [positions(view, joiner, MAX_WINDOWS) for joiner in joiners]
    if sum(map(len, found)) > MAX_WINDOWS:
        return None
    spans: list[Span] = []
    for at in sorted(at for each in found for at in each):
        if spans and at < spans[-1][1]:
            continue
        left, right = at, at + 1
        while left > 0 and not (view[left - 1].isspace() or view[left - 1] in stops):
            left -= 1
            if at - left > _TOKEN_REACH:
                return None
        while right < len(view) and not (view[right].isspace() or view[right] in stops):
            right += 1
            if right - left > _TOKEN_REACH:
                return None
        spans.append((left, right))
    if not spans:
        return words
    before: set[str] = set()
    after: set[str] = set()
    edge = _EDGE_PUNCTUATION.translate({ord(c): None for c in joiners})
    for left, right in spans:
        token = view[left:right]
        if ascii:
            before |= _ascii_words(token)
            after.add(token)
        else:
            before |= _unicode_words(token)
            after |= _unicode_words(token, edge)
    vanishing = before - after
    if "" in vanishing:  # a token of edge punctuation only ("!"): not looked for elsewhere
        return None
    pieces: list[str] = []
    done = 0
    for left, right in spans:
        pieces += [view[done:left], " " * (right - left)]
        done = right
    blanked = "".join(pieces) + view[done:]
    kept = set(words)
    for word in vanishing:
        if ascii:
            elsewhere = _ascii_token(blanked, word)
        else:
            elsewhere = _unicode_token(blanked, word, (0, len(blanked)))
        if elsewhere is None:
            return None
        if not elsewhere:
            kept.discard(word)
    return kept | after


class ViewText:
    """A view, its word set, and the occurrences of gate words found so far."""

    __slots__ = ("_found", "_windows", "text", "words")

    def __init__(self, text: str, words: set[str] | None = None) -> None:
        self.text = text
        self.words = words_of(text) if words is None else words
        self._found: dict[str, list[int]] = {}
        self._windows: dict[tuple[frozenset[str], Span], list[Span] | None] = {}

    def blanked(self, start: int, end: int, gate: frozenset[str]) -> ViewText:
        """The view with ``[start, end)`` blanked out, for the rule gated on ``gate`` only.

        Its words are exact for the words of ``gate`` (all that the rule asks of them), and
        found without splitting the whole text again (50-100 us on 4 KB): blanking changes
        only the tokens the phrase touches, so a gate word among theirs is kept when it is
        still a token there or elsewhere in the text, and dropped when not. Words outside
        ``gate`` may be left over. A text with other than ASCII characters, whose words are
        split differently (``words_of``), has each occurrence of such a word looked at in
        its token; a token longer than ``_TOKEN_REACH`` gets the words split again.
        """
        text = self.text
        new = text[:start] + " " * (end - start) + text[end:]
        ascii = text.isascii()
        if not ascii and new.isascii():  # its words are now split the ASCII way
            return ViewText(new)
        left = start
        while left > 0 and not text[left - 1].isspace():
            left -= 1
            if start - left > _TOKEN_REACH:
                return ViewText(new)
        right = end
        while right < len(text) and not text[right].isspace():
            right += 1
            if right - end > _TOKEN_REACH:
                return ViewText(new)
        split = _ascii_words if ascii else _unicode_words
        before = split(text[left:right]) & gate
        after = split(new[left:right])
        words = set(self.words) | after
        for word in before - after:
            # no token crosses ``left`` or ``right`` (blanks), and none inside is ``word``
            if ascii:
                kept = _ascii_token(new, word)
            else:
                kept = _unicode_token(new, word, (0, left), (right, len(new)))
            if kept is None:
                return ViewText(new)
            if not kept:
                words.discard(word)
        return ViewText(new, words)

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


def _ascii_token(text: str, word: str) -> bool | None:
    """Whether ``word`` is a word (``_ascii_words``) of the ASCII ``text``; None after
    ``MAX_WINDOWS`` looks. Each occurrence has its neighbours looked at, where an expression
    compiled for the word would cost tens of microseconds for every word an input brings
    (which a benchmark that scans the same text again and again never sees)."""
    looks = 0
    at = text.find(word)
    while at != -1:
        looks += 1
        if looks > MAX_WINDOWS:
            return None
        end = at + len(word)
        if (at == 0 or text[at - 1] in _BOUNDARIES) and (
            end == len(text) or text[end] in _BOUNDARIES
        ):
            return True
        at = text.find(word, at + 1)
    return False


def _unicode_token(text: str, word: str, *spans: Span) -> bool | None:
    """Whether ``word`` is a word (``_unicode_words``) of a token wholly inside one of the
    spans, each bounded by blanks; None when that takes more than ``MAX_WINDOWS`` looks
    or a token is longer than ``_TOKEN_REACH``."""
    looks = 0
    for low, high in spans:
        at = text.find(word, low, high)
        while at != -1:
            looks += 1
            if looks > MAX_WINDOWS:
                return None
            first, last = at, at + len(word)
            while first > low and not text[first - 1].isspace():
                first -= 1
                if at - first > _TOKEN_REACH:
                    return None
            while last < high and not text[last].isspace():
                last += 1
                if last - first > _TOKEN_REACH:
                    return None
            if word in _unicode_words(text[first:last]):
                return True
            at = text.find(word, at + 1, high)
    return False
