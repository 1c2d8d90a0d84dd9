"""Obfuscating transforms an attacker applies to hide a phrase from a filter.

They are used to measure the guard (``benchmarks/guard_eval.py``) and in its tests: each
takes a plain attack and returns the same instruction, spelled to slip past naive matching.
They are deterministic so that measured figures can be reproduced.
"""

from __future__ import annotations

import base64
import codecs
import unicodedata
from collections.abc import Callable

# Latin letter -> Cyrillic look-alike code point, written as numbers to keep the source ASCII.
_HOMOGLYPHS = str.maketrans(
    {
        "a": 0x0430, "c": 0x0441, "e": 0x0435, "o": 0x043E, "p": 0x0440, "x": 0x0445,
        "y": 0x0443, "i": 0x0456, "s": 0x0455, "j": 0x0458, "h": 0x04BB, "d": 0x0501,
        "A": 0x0410, "E": 0x0415, "O": 0x041E, "P": 0x0420, "C": 0x0421, "T": 0x0422,
        "H": 0x041D, "K": 0x041A, "M": 0x041C, "B": 0x0412, "X": 0x0425,
    }
)  # fmt: skip
_LEET = str.maketrans("aeiostAEIOST", "431057431057")


def zero_width(text: str) -> str:
    """Put a zero-width space between every two letters."""
    return "\u200b".join(text)


def homoglyph(text: str) -> str:
    """Swap Latin letters for their Cyrillic look-alikes."""
    return text.translate(_HOMOGLYPHS)


def fullwidth(text: str) -> str:
    """Use the fullwidth forms of ASCII characters."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def leetspeak(text: str) -> str:
    """Replace letters with the digits that resemble them."""
    return text.translate(_LEET)


def tag_characters(text: str) -> str:
    """Hide the text as invisible Unicode tag characters behind a harmless request."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    hidden = "".join(chr(0xE0000 + ord(c)) for c in ascii_text if " " <= c <= "~")
    return "Please summarise this note." + hidden


def base64_blob(text: str) -> str:
    """Send the text base64-encoded."""
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def rot13(text: str) -> str:
    """Rotate letters by 13 places."""
    return codecs.encode(text, "rot13")


def _split_word(word: str, separator: str) -> str:
    if len(word) < 4:
        return word
    middle = len(word) // 2
    return word[:middle] + separator + word[middle:]


def word_split_dots(text: str) -> str:
    """Break every longer word with a dot ("ign.ore")."""
    return " ".join(_split_word(word, ".") for word in text.split(" "))


def word_split_spaces(text: str) -> str:
    """Break every longer word with a space ("ign ore"), the hardest form to undo."""
    return " ".join(_split_word(word, " ") for word in text.split(" "))


def letter_spacing(text: str) -> str:
    """Spell each word letter by letter, words two spaces apart ("i g n o r e  a l l")."""
    return "  ".join(" ".join(word) for word in text.split())


TRANSFORMS: dict[str, Callable[[str], str]] = {
    "zero-width": zero_width,
    "homoglyph": homoglyph,
    "fullwidth": fullwidth,
    "leetspeak": leetspeak,
    "tag characters": tag_characters,
    "base64": base64_blob,
    "rot13": rot13,
    "word splitting (dots)": word_split_dots,
    "word splitting (letters)": letter_spacing,
    "word splitting (spaces)": word_split_spaces,
}
WORD_SPLITTING = frozenset(name for name in TRANSFORMS if name.startswith("word splitting"))
