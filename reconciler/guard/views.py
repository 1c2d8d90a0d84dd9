"""Detection views: the same text with one family of obfuscations undone.

The base view (``folding.skeleton``) folds compatibility forms, accents, case and look-alike
letters. The views here are built only when the base view shows a sign that they could
reveal a word the rules know: reading digits as letters, joining split letters, undoing
ROT13. That keeps the common case, plain prose, to a single view, and the signs are checked
with set operations and C-level scans rather than loops over every word.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache
from itertools import filterfalse

from reconciler.guard.gating import ViewText, joined_words
from reconciler.guard.hidden import distinct_non_ascii

_GREEK_CYRILLIC = frozenset(map(chr, range(0x370, 0x500)))
_MIXED_SCRIPT = re.compile("[\u0370-\u03ff\u0400-\u04ff](?:(?<=[A-Za-z].)|(?=[A-Za-z]))")
_LEET_CHARS = frozenset("0134579@$|!+")
_LEET_SPOT = re.compile(r"[0134579@$](?:(?<=[a-z].)|(?=[a-z]))")
_PUNCT_SPOT = re.compile(r"[.\-_*|~^+](?<=[a-z].)(?=[a-z])")
_SINGLE_LETTERS = frozenset("bcdefghjklmnopqrstuvwxz")
_EDGE = ".,;:!?\"'()[]{}<>*_`~#|/\\"
_LEET = str.maketrans("0134579@$|!+", "oieastgaslit")
_LEET_BYTES = bytes.maketrans(b"0134579@$|!+", b"oieastgaslit")
# Written to open with the punctuation, so the engine skips to it instead of trying the
# lookbehind at every position: ``(?<=[a-z])[.\-_*|~^+]+(?=[a-z])``, three times faster.
_IN_WORD_PUNCT = re.compile(r"[.\-_*|~^+](?<=[a-z].)[.\-_*|~^+]*(?=[a-z])")
# Letters split one by one, ``\b[a-z](?:[ .\-_*/|~][a-z]\b){3,}``, written to open with the
# first separator (the letter before it is checked behind, and left in place by the
# rewrite): the engine then skips to separators instead of trying every position.
_SPACED_RUN = re.compile(r"[ .\-_*/|~](?<=\b[a-z].)[a-z]\b(?:[ .\-_*/|~][a-z]\b){2,}")
# The separators ``_SPACED_RUN`` joins letters over, dropped by a translation: a run is ASCII
# letters and these only, and a translation costs a third of a substitution per run.
_DROP_SEPARATORS = str.maketrans("", "", " .-_*/|~")
_TOKEN_REST = re.compile(r"\S*")
# Every byte but a-z: deleting them from the UTF-8 bytes drops each non-ASCII character
# whole, since all bytes of a multi-byte sequence are over 0x7F.
_NOT_LETTER_BYTES = bytes(c for c in range(256) if not ord("a") <= c <= ord("z"))
_ROT13 = str.maketrans("abcdefghijklmnopqrstuvwxyz", "nopqrstuvwxyzabcdefghijklm")
_ROT13_BYTES = bytes.maketrans(b"abcdefghijklmnopqrstuvwxyz", b"nopqrstuvwxyzabcdefghijklm")
_SPACED_LETTERS = 5


def mixed_script(text: str) -> bool:
    """Tell whether a word mixes Latin with Greek or Cyrillic letters, a homoglyph tell."""
    return (
        not _GREEK_CYRILLIC.isdisjoint(distinct_non_ascii(text))
        and _MIXED_SCRIPT.search(text) is not None
    )


def leet(view: str, words: set[str], vocabulary: frozenset[str]) -> ViewText | None:
    """Read digits and symbols as letters, when that spells a word the rules know: the view
    with its words."""
    # The scan of the view goes first: most text has no digit or symbol beside a letter
    # (82 of 100 random 4 KB blocks of benign rows), and it costs 6-13 us on 4 KB where
    # the word test costs 20-30 us (looking at every word).
    if not _LEET_SPOT.search(view):
        return None
    mixed = [w for w in filterfalse(str.isalpha, words) if not _LEET_CHARS.isdisjoint(w)]
    revealed = _rewritten_words(mixed, _LEET_BYTES)
    if revealed.isdisjoint(vocabulary):
        return None
    return ViewText(_translate_ascii(view, _LEET_BYTES), _leet_words(view, words, mixed, revealed))


def _leet_words(
    view: str, words: set[str], mixed: list[str], revealed: set[str]
) -> set[str] | None:
    """The words of the leetspeak view made from the view's (``mixed``: those with digits
    or symbols to read, ``revealed``: the same read), or None when they cannot be.

    Only the words with such a character change, each on its own (a character it reads
    is neither a blank nor a separator), so the rest are kept as they are: 3-6 us, where
    rewriting every word took 16-37 and a new split of the view 30-110. Reading "|" and
    "!" as letters joins the words they separate: ``joined_words`` finds the words of the
    tokens they are in, and those with a character to read are read as well.
    """
    if "!" not in view and "|" not in view:
        return words.difference(mixed) | revealed
    joined = joined_words(view, words, "!|")
    if joined is None:
        return None
    changed = [w for w in mixed if w in joined]
    changed += [w for w in joined - words if not _LEET_CHARS.isdisjoint(w)]
    return joined.difference(changed) | _rewritten_words(changed, _LEET_BYTES)


def despace(view: str, words: set[str], vocabulary: frozenset[str]) -> str | None:
    """Join letters split by spaces or punctuation ("i g n o r e", "ign.ore")."""
    if spaced_letters(words):
        view = _SPACED_RUN.sub(lambda m: m.group().translate(_DROP_SEPARATORS), view)
    elif not _joins_known_word(view, words, vocabulary):
        return None
    return _IN_WORD_PUNCT.sub("", view)


def _joins_known_word(view: str, words: set[str], vocabulary: frozenset[str]) -> bool:
    """Tell whether dropping punctuation inside a token spells a known word not yet seen.

    Only the tokens around a letter-punctuation-letter spot are looked at, so ordinary
    prose, with a hyphenated word here and there, costs one scan of the view.
    """
    covered = 0
    for spot in _PUNCT_SPOT.finditer(view):
        at = spot.start()
        if at < covered:
            continue
        start = max(view.rfind(" ", 0, at), view.rfind("\n", 0, at), view.rfind("\r", 0, at))
        rest = _TOKEN_REST.match(view, at)
        covered = rest.end() if rest else at + 1
        token = _IN_WORD_PUNCT.sub("", view[start + 1 : covered]).strip(_EDGE)
        if token in vocabulary and token not in words:
            return True
    return False


def spaced_letters(words: set[str]) -> bool:
    """Tell whether the text spells words out letter by letter."""
    return len(words & _SINGLE_LETTERS) >= _SPACED_LETTERS


def compact(view: str) -> str:
    """Letters only: the last resort against splitting that also removed word breaks.

    The deletion runs on the bytes, in C, where a regular expression that removes every
    gap between letters costs fifteen times as much on 4 KB."""
    raw = view.encode("utf-8", "surrogatepass")
    return raw.translate(None, _NOT_LETTER_BYTES).decode("ascii")


def rot13(view: str, words: set[str], vocabulary: frozenset[str]) -> str | None:
    """Undo ROT13 when rotating the words reveals at least two the rules know."""
    known = words & _rotated(vocabulary)
    return _translate_ascii(view, _ROT13_BYTES) if len(known) >= 2 else None


def rot13_words(words: set[str]) -> set[str]:
    """The words of ``rot13(view, ...)``: letters stay letters, so each word is rotated."""
    return _rewritten_words(words, _ROT13_BYTES)


def _rewritten_words(words: Collection[str], table: bytes) -> set[str]:
    """Each word rewritten character by character with ``table``: one C-level pass over the
    words joined, instead of splitting the rewritten 4 KB view again."""
    rewritten = set(_translate_ascii(" ".join(words), table).split())
    if "" in words:  # a token of edge punctuation only; joining loses it
        rewritten.add("")
    return rewritten


def _translate_ascii(view: str, table: bytes) -> str:
    """``str.translate`` for a table that maps ASCII to ASCII, done on the UTF-8 bytes: the
    same text (other characters' bytes are all over 0x7F, so none is touched), and a C loop
    where ``str.translate`` looks every character of a non-ASCII text up in a dictionary."""
    if view.isascii():
        return view.encode("ascii").translate(table).decode("ascii")
    return view.encode("utf-8", "surrogatepass").translate(table).decode("utf-8", "surrogatepass")


@lru_cache(maxsize=4)
def _rotated(vocabulary: frozenset[str]) -> frozenset[str]:
    """The known words of four letters or more, ROT13-encoded."""
    return frozenset(w.translate(_ROT13) for w in vocabulary if len(w) >= 4)
