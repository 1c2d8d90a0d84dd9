"""Quote what a person wrote: a rule's match, found in a folded view, as the words it came from.

The rules match on detection views (``folding.skeleton``: accents dropped, look-alike letters
folded, so Russian comes out with Latin letters in it; digits read as letters; split letters
joined), and a match in a view is not what anyone typed. A reason quotes the same place in
the text itself, as whole words.

The work is done only for a finding, never on the scan's path. Mostly folding keeps every
character in its place, and a match's span in the view is its span in the text (checked by
folding that span again: 2 us). Otherwise a view keeps the text's tokens (runs of
non-blanks): folding changes letters, not blanks, so the match's token in the view is the
token of the same number in the text (0.1-0.4 ms on 4 KB). The views that join or drop
characters (split words, letters only) are first walked back to the base view they were
made from. When the tokens cannot be matched up (folding made a blank, or a subject was
spelled out), they are aligned by their folded forms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property

from reconciler.guard.folding import skeleton

QUOTE_CHARS = 60
_TOKEN = re.compile(r"\S+")
# Scripts written without blanks between words: a match there is not widened to a "word",
# which would be the whole sentence.
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\u9fff\uf900-\ufaff\uff65-\uff9f]"
)
_WIDEN = 30  # at most this many characters are added on either side to end on a word's edge


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
    if len(view) != len(base):  # joined or dropped characters: walk back to the base view
        start, end = _in_base(view, base, start, end)
    start, end = _in_source(origin, start, end)
    start, end = _widened(source, start, end)
    return shortened(" ".join(source[start:end].split()))


def shortened(text: str, limit: int = QUOTE_CHARS) -> str:
    """``text`` cut at a word's end with an ellipsis when longer than ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", limit // 2, limit)
    return text[: cut if cut > 0 else limit - 1].rstrip(" ,;:") + "…"


def _in_base(view: str, base: str, start: int, end: int) -> tuple[int, int]:
    """Where ``view[start:end]`` lies in ``base``, for a view that is ``base`` with
    characters dropped (split letters joined, everything but letters taken out): the view's
    characters found in order in the base view."""
    first, wanted = 0, 0
    for at, char in enumerate(base):
        if wanted < len(view) and char == view[wanted]:
            if wanted == start:
                first = at
            if wanted == end - 1:
                return first, at + 1
            wanted += 1
    return first, len(base)


def _in_source(origin: Origin, start: int, end: int) -> tuple[int, int]:
    """Where ``base[start:end]`` came from in the source: the same tokens, and inside a token
    the same letters when the folding of each of its characters adds up to the view's."""
    source, base = origin.source, origin.base
    if len(source) == len(base) and skeleton(source[start:end]) == base[start:end]:
        return start, end  # the common case: folding kept every character's place
    while start < end and base[start].isspace():
        start += 1
    while end > start and base[end - 1].isspace():
        end -= 1
    if start == end:
        return 0, 0
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
    lengths = [len(skeleton(char)) for char in token]
    if sum(lengths) == view_finish - view_begin:
        folded = 0
        for index, length in enumerate(lengths):
            folded += length
            if folded > into:
                return begin + index
    return begin if 2 * into < view_finish - view_begin else finish - 1


def _aligned(source: str, base: str, start: int, end: int) -> tuple[int, int]:
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
        return 0, 0
    return ours[after[0]][0], ours[after[-1]][1]


def _widened(source: str, start: int, end: int) -> tuple[int, int]:
    """The span grown to the edges of the words it cuts (not in scripts without blanks)."""
    if start == end:
        return start, end
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
