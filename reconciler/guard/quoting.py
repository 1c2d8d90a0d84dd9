"""Quote what a person wrote: a rule's match, found in a folded view, as the words it came from.

The rules match on detection views (``folding.skeleton``: accents dropped, look-alike letters
folded, so Russian comes out with Latin letters in it; digits read as letters; split letters
joined), and a match in a view is not what anyone typed. A reason quotes the same place in
the text itself, as whole words.

The work is done only for a finding, never on the scan's path, and costs microseconds, not
the length of the text: mostly folding keeps every character in its place, and a match's span
in the view is its span in the text (checked by folding that span again). Otherwise a window
of the text around the match is folded again and the match found in it; the window's tokens
(runs of non-blanks) are the folded window's one for one, since folding changes letters, not
blanks, so the match's tokens are found by their number. The views that join or drop
characters (split words, letters only) are first taken back to the base view they were made
from. When the tokens cannot be matched up (a blank folded away, a subject spelled out), they
are aligned by their folded forms, and on a long text where even that fails the folded words
are quoted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property, lru_cache

from reconciler.guard.folding import skeleton
from reconciler.guard.gating import positions
from reconciler.structs.display import ELLIPSIS

QUOTE_CHARS = 60
_TOKEN = re.compile(r"\S+")
# Scripts written without blanks between words: a match there is not widened to a "word",
# which would be the whole sentence.
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\u9fff\uf900-\ufaff\uff65-\uff9f]"
)
_WIDEN = 30  # at most this many characters are added on either side to end on a word's edge
_GAP = "[^a-z]*"  # what a view that joins letters may have dropped between two of them
_LETTER = re.compile("[a-z]")
_HEAD = 4  # letters looked for with an expression (the rest followed with str.find)
_SLACK = 64  # the window reaches this much further than the text's and view's lengths differ
_MAX_SLACK = 512
_WHOLE = 2048  # a text up to this long may be aligned whole when the window fails


@dataclass(frozen=True)
class Origin:
    """A text the scan read and its base view. ``decoded`` names how the text was found in
    the input (base64, tag characters, ...), and is empty for the input itself."""

    source: str
    base: str
    decoded: str = ""

    @cached_property
    def same_tokens(self) -> bool:
        """Whether the base view has the text's tokens one for one (counted once per text)."""
        return len(self.source.split()) == len(self.base.split())


def quoted(origin: Origin, view: str, span: tuple[int, int]) -> str:
    """The words of ``origin.source`` that a match at ``span`` in ``view`` came from
    (``view`` is the base view or one made from it): whole words, blanks as single spaces,
    and an ellipsis at the end of a long quote."""
    source, base = origin.source, origin.base
    start, end = span
    if len(view) != len(base):  # joined or dropped characters: back to the base view
        start, end = _in_base(view, base, start, end)
    found = _in_source(origin, start, end)
    if found is None:
        return shortened(" ".join(base[start:end].split()))
    start, end = _widened(source, *found)
    return shortened(" ".join(source[start:end].split()))


def shortened(text: str, limit: int = QUOTE_CHARS) -> str:
    """``text`` cut at a word's end with an ellipsis when longer than ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", limit // 2, limit)
    return text[: cut if cut > 0 else limit - 1].rstrip(" ,;:") + ELLIPSIS


def _in_base(view: str, base: str, start: int, end: int) -> tuple[int, int]:
    """Where ``view[start:end]`` lies in ``base``, for a view that is ``base`` with
    characters dropped (separators between split letters, or everything but letters): its
    characters in order, at or after ``start``, with anything but letters between them.

    Its first letters are looked for with an expression the regex engine runs in C (the
    text walked from letter to letter cost up to 0.1 ms on 4 KB; an expression of all the
    letters costs as much to compile the first time), and the rest followed from there."""
    wanted = view[start:end].strip()
    head = re.compile(_GAP.join(map(re.escape, wanted[:_HEAD])))
    at = start
    while wanted and (found := head.search(base, at)):
        place = found.end() - 1
        for char in wanted[_HEAD:]:
            following = base.find(char, place + 1)
            if following == -1 or _LETTER.search(base, place + 1, following):
                break
            place = following
        else:
            return found.start(), place + 1
        at = found.start() + 1
    return start, min(end, len(base))


def _in_source(origin: Origin, start: int, end: int) -> tuple[int, int] | None:
    """Where ``base[start:end]`` came from in the source, or None when it cannot be told."""
    source, base = origin.source, origin.base
    if len(source) == len(base) and skeleton(source[start:end]) == base[start:end]:
        return start, end  # the common case: folding kept every character's place
    wanted = base[start:end].strip()
    if not wanted:
        return None
    # where the match would be if the lengths changed evenly (Korean syllables all unfold),
    # give or take how much they changed (a few doubled spaces), up to _MAX_SLACK
    ratio = len(source) / max(1, len(base))
    expected, after = round(start * ratio), round(end * ratio)
    for slack in sorted({_SLACK, _SLACK + min(abs(len(source) - len(base)), _MAX_SLACK)}):
        low, high = max(0, expected - slack), min(len(source), after + slack)
        window = Origin(source[low:high], skeleton(source[low:high]))
        places = positions(window.base, wanted, len(window.base))
        if places:
            at = min(places, key=lambda place: abs(place - (expected - low)))
            if len(window.source) == len(window.base):  # the lengths changed elsewhere
                return low + at, low + at + len(wanted)
            found = _by_tokens(window, at, at + len(wanted))
            return None if found is None else (low + found[0], low + found[1])
    if len(source) <= _WHOLE:  # a subject spelled out in the view: align the whole text
        return _by_tokens(origin, start, end)
    return None


def _by_tokens(origin: Origin, start: int, end: int) -> tuple[int, int] | None:
    """The same tokens, and inside a token the same letters when the folding of each of its
    characters adds up to the view's."""
    source, base = origin.source, origin.base
    while start < end and base[start].isspace():
        start += 1
    while end > start and base[end - 1].isspace():
        end -= 1
    if start == end:
        return None
    if not origin.same_tokens:
        return _aligned(source, base, start, end)
    first, last = _token_at(base, start), _token_at(base, end - 1)
    return (
        _letter(source, base, first, start),
        _letter(source, base, last, end - 1) + 1,
    )


def _token_at(text: str, at: int) -> int:
    """The number of the token that holds ``text[at]`` (not a blank)."""
    return len(text[: at + 1].split()) - 1


def _token_span(text: str, number: int) -> tuple[int, int]:
    """Where token ``number`` of ``text`` starts and ends (``str.split``'s tokens)."""
    rest = text.split(None, number)[-1] if number else text.lstrip()
    begin = len(text) - len(rest)
    return begin, begin + len(rest.split(None, 1)[0])


def _letter(source: str, base: str, number: int, at: int) -> int:
    """The character of ``source`` whose folding gave ``base[at]``, in token ``number`` of
    both; the token's first or last character when its folding is not one character at a
    time (``at`` is then in the first or second half of the token)."""
    begin, finish = _token_span(source, number)
    view_begin, view_finish = _token_span(base, number)
    into = at - view_begin
    token = source[begin:finish]
    if len(token) == view_finish - view_begin and token.isascii():
        return begin + into
    lengths = list(map(_folded_length, token))
    if sum(lengths) == view_finish - view_begin:
        folded = 0
        for index, length in enumerate(lengths):
            folded += length
            if folded > into:
                return begin + index
    return begin if 2 * into < view_finish - view_begin else finish - 1


@lru_cache(maxsize=4096)
def _folded_length(char: str) -> int:
    """How many characters one character folds to (none for a mark, two for "ß")."""
    return len(skeleton(char))


def _aligned(source: str, base: str, start: int, end: int) -> tuple[int, int] | None:
    """``_in_source`` for a view whose tokens are not the text's one for one: the tokens
    are matched up by their folded forms, and the match's first and last tokens quoted."""
    ours = [(m.start(), m.end()) for m in _TOKEN.finditer(source)]
    theirs = [m.group() for m in _TOKEN.finditer(base)]
    first, last = _token_at(base, start), _token_at(base, end - 1)
    matcher = SequenceMatcher(None, [skeleton(source[a:b]) for a, b in ours], theirs, False)
    mapped = {
        block.b + k: block.a + k
        for block in matcher.get_matching_blocks()
        for k in range(block.size)
    }
    after = [mapped[k] for k in range(first, last + 1) if k in mapped]
    if not after:
        return None
    return ours[after[0]][0], ours[after[-1]][1]


def _widened(source: str, start: int, end: int) -> tuple[int, int]:
    """The span grown to the edges of the words it cuts (not in scripts without blanks)."""
    floor, ceiling = max(0, start - _WIDEN), min(len(source), end + _WIDEN)
    while start > floor and _in_word(source[start - 1]) and _in_word(source[start]):
        start -= 1
    while end < ceiling and _in_word(source[end]) and _in_word(source[end - 1]):
        end += 1
    return start, end


def _in_word(char: str) -> bool:
    """A letter, digit or mark of a script that separates words with blanks."""
    if char.isalnum():
        return not _UNSPACED.match(char)
    return unicodedata.category(char).startswith("M")
