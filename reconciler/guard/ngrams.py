"""Hashed n-gram features for the guard's shipped linear model, in numpy alone.

One function turns a text into the indices of its features, and the same function serves
training (``tools/train_guard.py``) and scoring, so the two can never disagree. Features
are character 2-5-grams of the lowercased text with runs of white space made one space
(punctuation kept: ``</system>`` and ``###`` are evidence), and word 1-2-grams of its
letters and digits. Each is hashed into ``2**bits`` slots with a polynomial hash over code
points, computed for every position at once, so a 4 KB input costs tens of microseconds
rather than a Python loop over sixteen thousand n-grams.

A feature's value is its count divided by the square root of the number of features in the
text (not the exact L2 norm, which would need the distinct features sorted out): a score is
then one gather and one sum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

_P = np.uint64(0x100000001B3)  # odd, so it has an inverse modulo 2**64
_P_INV = np.uint64(pow(0x100000001B3, -1, 2**64))
_MIX = np.uint64(0x9E3779B97F4A7C15)
_WORD_SALT = 0xC2B2AE3D27D4EB4F
# Which code points are word characters, decided on the code point array rather than by a
# regular expression over the text (a third of a 4 KB scan otherwise): ASCII letters and
# digits, and every code point from U+00C0 on except the punctuation and symbol blocks.
_ASCII_WORD = np.array([chr(i).isalnum() for i in range(128)] + [False] * 64, dtype=bool)
_NOT_WORD_RANGES = (
    (0x2000, 0x2BFF),  # general punctuation, symbols, arrows, box drawing
    (0x3000, 0x303F),  # CJK punctuation
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFF0F),  # fullwidth punctuation
    (0xFF1A, 0xFF20),
    (0xFF3B, 0xFF40),
    (0xFF5B, 0xFF65),
    (0x1F000, 0x1FAFF),  # emoji and pictographs
)
_SPACE = np.uint64(32)

Indices = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Settings:
    """What decides the feature space; stored beside the weights and checked on load."""

    bits: int = 19
    char_min: int = 2
    char_max: int = 5
    word_max: int = 2

    def as_dict(self) -> dict[str, int]:
        return {
            "bits": self.bits,
            "char_min": self.char_min,
            "char_max": self.char_max,
            "word_max": self.word_max,
        }


def normalise(text: str) -> str:
    """Lowercase, one space for each run of white space, a space at either end."""
    return " " + " ".join(text.lower().split()) + " "


def _codes(text: str) -> npt.NDArray[np.uint64]:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.uint64)


def _slot(hashes: npt.NDArray[np.uint64], salt: int, bits: int) -> Indices:
    """Mix a polynomial hash with a salt (the n-gram's order) into a slot number."""
    mixed = (hashes + np.uint64(salt)) * _MIX
    return (mixed >> np.uint64(64 - bits)).astype(np.int64)


def _powers(base: np.uint64, count: int) -> npt.NDArray[np.uint64]:
    """``base**0 .. base**(count-1)`` modulo 2**64."""
    out = np.full(count, base, dtype=np.uint64)
    out[0] = 1
    return np.cumprod(out, dtype=np.uint64)


_TABLES: dict[str, npt.NDArray[np.uint64]] = {}


def _table(name: str, base: np.uint64, count: int) -> npt.NDArray[np.uint64]:
    """The powers of ``base``, computed once per process and grown when a longer text needs
    more (a 4 KB input would otherwise spend a third of its time on them)."""
    table = _TABLES.get(name)
    if table is None or len(table) < count:
        table = _powers(base, max(count, 2 * len(table) if table is not None else 4096))
        _TABLES[name] = table
    return table[:count]


def char_indices(codes: npt.NDArray[np.uint64], settings: Settings) -> list[Indices]:
    """Slots of every character n-gram, one array per order, by starting position."""
    found = []
    length = len(codes)
    rolling = codes.copy()
    for n in range(2, settings.char_max + 1):
        if length < n:
            break
        rolling = rolling[: length - n + 1] * _P + codes[n - 1 :]
        if n >= settings.char_min:
            found.append(_slot(rolling, n, settings.bits))
    return found


def _word_mask(codes: npt.NDArray[np.uint64]) -> npt.NDArray[np.bool_]:
    mask = np.where(codes < 192, _ASCII_WORD[np.minimum(codes, 191).astype(np.int64)], True)
    for low, high in _NOT_WORD_RANGES:
        mask &= (codes < low) | (codes > high)
    return mask


def word_indices(text: str, settings: Settings) -> list[Indices]:
    return [found for found, _ in word_positions(text, settings)]


def word_positions(text: str, settings: Settings) -> list[tuple[Indices, Indices]]:
    """Slots of every word 1..word_max-gram (words: runs of letters and digits).

    The hash of each word is taken from prefix sums of ``c_j * P**-(j+1)``, so every word's
    hash comes out of three vector operations whatever the number of words.
    """
    codes = _codes(text)
    is_word = _word_mask(codes)
    if not is_word.any():
        return []
    length = len(codes)
    edges = np.diff(np.concatenate(([False], is_word, [False])).astype(np.int8))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    inverse = _table("inverse", _P_INV, length + 1)
    prefix = np.concatenate(([np.uint64(0)], np.cumsum(codes * inverse[1:], dtype=np.uint64)))
    forward = _table("forward", _P, length + 1)
    words = (prefix[ends] - prefix[starts]) * forward[ends]
    found = [(_slot(words, _WORD_SALT, settings.bits), starts)]
    if settings.word_max >= 2 and len(words) >= 2:
        pairs = words[:-1] * _MIX + words[1:]
        found.append((_slot(pairs, _WORD_SALT + 1, settings.bits), starts[:-1]))
    return found


def indices(text: str, settings: Settings) -> Indices:
    """Every feature slot of ``text`` (with repeats: a repeated n-gram counts again)."""
    return positions(text, settings)[0]


def positions(text: str, settings: Settings) -> tuple[Indices, Indices]:
    """Every feature slot of ``text``, and where each starts in the normalised text."""
    normal = normalise(text)
    chars = char_indices(_codes(normal), settings)
    parts = [(found, np.arange(len(found))) for found in chars]
    parts += word_positions(normal, settings)
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    return (
        np.concatenate([found for found, _ in parts]),
        np.concatenate([at for _, at in parts]),
    )
