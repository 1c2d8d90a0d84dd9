"""The base detection view: compatibility forms, accents, case and look-alikes folded.

Most input is ASCII with a few typographic characters (curly quotes, dashes, an accent),
so the Unicode work is done per distinct non-ASCII character, once per process, and applied
with ``str.replace``; input with many distinct characters, or with combining marks whose
order matters, goes through the same folding run by run instead.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from reconciler.guard.confusables import fold
from reconciler.guard.hidden import distinct_non_ascii, non_ascii

_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_SPACES = re.compile("   *")  # two or more: written so the engine sees a literal prefix
_HSPACE = re.compile(r"[^\S\n](?:[^\S\n]+|(?<=\t))")  # 2+ blanks, or a tab
_ODD_BLANKS = "\t\r\x0b\x0c\x1c\x1d\x1e\x1f"
_FEW_CHARS = 128  # str.replace per character beats a callback per run up to about this many
_CACHED_RUN = 8  # longer runs (whole words of another script) rarely recur


def skeleton(text: str) -> str:
    """Fold compatibility forms, accents, case and look-alike letters to plain lowercase."""
    if not text.isascii():
        text = _fold_non_ascii(text)
    text = text.lower()
    if "  " not in text and "\t" not in text:
        return text
    # Plain double spaces are the common case; an expression that opens with two literal
    # spaces lets the regex engine jump between them. Runs that mix other blanks, and
    # single tabs, need the general expression.
    text = _SPACES.sub(" ", text)
    if any(blank in text for blank in _ODD_BLANKS) or (
        not text.isascii() and any(c.isspace() for c in set(non_ascii(text)))
    ):
        text = _HSPACE.sub(" ", text)
    return text


def _fold_non_ascii(text: str) -> str:
    chars = distinct_non_ascii(text)
    if len(chars) <= _FEW_CHARS:
        folded = {char: _fold_char(char) for char in chars}
        changed = {char: out for char, out in folded.items() if out != char}
        # Replacing one character after another equals one pass when no replacement
        # brings in a character that is replaced itself.
        if None not in folded.values() and all(
            changed.keys().isdisjoint(out or "") for out in changed.values()
        ):
            for char, out in changed.items():
                text = text.replace(char, out or "")
            return text
    return _NON_ASCII_RUN.sub(_fold_match, text)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str | None:
    """The folding of one character, or None when its marks could reorder with a neighbour's."""
    decomposed = _MARKS.sub("", unicodedata.normalize("NFKD", char))
    if any(unicodedata.combining(c) for c in decomposed):
        return None
    return _fold_run(char)


def _fold_match(match: re.Match[str]) -> str:
    run = match.group()
    return _fold_short_run(run) if len(run) <= _CACHED_RUN else _fold_run(run)


def _fold_run(run: str) -> str:
    # Fold before and after casefolding: a capital look-alike (a Cyrillic capital Ve for "B")
    # stops looking like the Latin letter once lowercased.
    run = fold(_MARKS.sub("", unicodedata.normalize("NFKD", run))).casefold()
    return run if run.isascii() else fold(run).lower()


_fold_short_run = lru_cache(maxsize=4096)(_fold_run)
