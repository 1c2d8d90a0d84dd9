"""Detection views: the same text with one family of obfuscations undone.

The base view folds compatibility forms (fullwidth, mathematical letters), accents, case and
look-alike letters. The other views are built only when the base view shows a sign that they
could reveal a word the rules know (``stems``): reading digits as letters, joining split
letters, undoing ROT13. That keeps the common case, plain prose, to a single view.
"""

from __future__ import annotations

import re
import unicodedata

from reconciler.guard.confusables import fold

_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_MIXED_SCRIPT = re.compile("[\u0370-\u03ff\u0400-\u04ff](?:(?<=[A-Za-z].)|(?=[A-Za-z]))")
_HSPACE = re.compile(r"[^\S\n]{2,}|\t")
_LEET_CHARS = frozenset("0134579@$|!+")
_LEET_SPOT = re.compile(r"[0134579@$](?:(?<=[a-z].)|(?=[a-z]))")
_PUNCT_SPOT = re.compile(r"[.\-_*|~^+](?<=[a-z].)(?=[a-z])")
_SINGLE_LETTERS = frozenset("bcdefghjklmnopqrstuvwxz")
_EDGE = ".,;:!?\"'()[]{}<>*_`~#|/\\"
_LEET = str.maketrans("0134579@$|!+", "oieastgaslit")
_IN_WORD_PUNCT = re.compile(r"(?<=[a-z])[.\-_*|~^+]+(?=[a-z])")
_SPACED_RUN = re.compile(r"\b[a-z](?:[ .\-_*/|~][a-z]\b){3,}")
_SEPARATORS = re.compile(r"[ .\-_*/|~]")
_NOT_LETTER = re.compile(r"[^a-z]+")
_ROT13 = str.maketrans("abcdefghijklmnopqrstuvwxyz", "nopqrstuvwxyzabcdefghijklm")
_SPACED_LETTERS = 5


def skeleton(text: str) -> str:
    """Fold compatibility forms, accents, case and look-alike letters to plain lowercase."""
    if text.isascii():
        text = text.lower()
    else:
        # Fold before and after casefolding: a capital look-alike (a Cyrillic capital Ve for "B")
        # stops looking like the Latin letter once lowercased.
        text = fold(_MARKS.sub("", unicodedata.normalize("NFKD", text))).casefold()
        text = text if text.isascii() else fold(text).lower()
    return _HSPACE.sub(" ", text) if "  " in text or "\t" in text else text


def mixed_script(text: str) -> bool:
    """Tell whether a word mixes Latin with Greek or Cyrillic letters, a homoglyph tell."""
    return not text.isascii() and _MIXED_SCRIPT.search(text) is not None


def leet(view: str, words: set[str], vocabulary: frozenset[str]) -> str | None:
    """Read digits and symbols as letters, when that spells a word the rules know."""
    if not _LEET_SPOT.search(view):
        return None
    mixed = [w for w in words if not w.isalpha() and not _LEET_CHARS.isdisjoint(w)]
    revealed = {w.translate(_LEET) for w in mixed}
    return view.translate(_LEET) if not revealed.isdisjoint(vocabulary) else None


def despace(view: str, words: set[str], vocabulary: frozenset[str]) -> str | None:
    """Join letters split by spaces or punctuation ("i g n o r e", "ign.ore")."""
    spaced = spaced_letters(words)
    if not spaced and not _PUNCT_SPOT.search(view):
        return None
    if not spaced:
        split = [t for t in set(view.split()) if not t.isalnum()]
        revealed = {_IN_WORD_PUNCT.sub("", t).strip(_EDGE) for t in split}
        if revealed.isdisjoint(vocabulary - words):
            return None
    else:
        view = _SPACED_RUN.sub(lambda m: _SEPARATORS.sub("", m.group()), view)
    return _IN_WORD_PUNCT.sub("", view)


def spaced_letters(words: set[str]) -> bool:
    """Tell whether the text spells words out letter by letter."""
    return len(words & _SINGLE_LETTERS) >= _SPACED_LETTERS


def compact(view: str) -> str:
    """Letters only: the last resort against splitting that also removed word breaks."""
    return _NOT_LETTER.sub("", view)


def rot13(view: str, words: set[str], vocabulary: frozenset[str]) -> str | None:
    """Undo ROT13 when rotating the words reveals at least two the rules know."""
    rotated = set(" ".join(words).translate(_ROT13).split())
    known = [w for w in rotated & vocabulary if len(w) >= 4]
    return view.translate(_ROT13) if len(known) >= 2 else None
