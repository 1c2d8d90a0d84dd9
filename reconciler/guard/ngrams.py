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
_ASCII_WORD = [chr(i).isalnum() for i in range(128)] + [False] * 64
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
# The same decision as one table lookup per code point (128 KB, built once): every range
# above lies below its end, and every code point past it is a word character.
_WORD_TABLE_END = 0x1FFFF


def _word_table() -> npt.NDArray[np.bool_]:
    table = np.ones(_WORD_TABLE_END + 1, dtype=bool)
    table[: len(_ASCII_WORD)] = _ASCII_WORD
    for low, high in _NOT_WORD_RANGES:
        table[low : high + 1] = False
    return table


_WORD = _word_table()
Indices = npt.NDArray[np.int64]
# What ``str.split`` splits at (``str.isspace``), as a table of code points: the last blank
# is U+3000, and the entry past it, False, stands for every code point beyond ("clip").
_BLANK = np.array([chr(i).isspace() for i in range(0x3002)], dtype=bool)
_SPACE = 0x20


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


def _code_points(text: str) -> npt.NDArray[np.uint32]:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _normalised_points(text: str) -> npt.NDArray[np.uint32]:
    """The code points of ``normalise(text)``, with the blanks collapsed on the array: a
    split and a join of a 4 KB text's words cost three times as much, more in other scripts.

    Between a space in front and one behind, every blank reads as a space, and one is kept
    only after a character that is not blank."""
    lowered = _code_points(text.lower())
    if not len(lowered):
        return np.array([_SPACE, _SPACE], dtype=np.uint32)
    blank = np.empty(len(lowered) + 2, dtype=bool)
    blank[0] = blank[-1] = True
    np.take(_BLANK, lowered, mode="clip", out=blank[1:-1])
    if blank.all():
        return np.array([_SPACE, _SPACE], dtype=np.uint32)
    points = np.empty(len(lowered) + 2, dtype=np.uint32)
    points[1:-1] = lowered
    points[blank] = _SPACE
    solid = ~blank
    keep = solid.copy()
    keep[1:] |= solid[:-1]
    keep[0] = True
    return points[keep]


def _slot(hashes: npt.NDArray[np.uint64], salt: int, bits: int) -> Indices:
    """Mix a polynomial hash with a salt (the n-gram's order) into a slot number.

    Done in place on one new array, whose top ``bits`` bits, once shifted down, read the
    same as signed integers: no further copy."""
    mixed = hashes + np.uint64(salt)
    mixed *= _MIX
    mixed >>= np.uint64(64 - bits)
    return mixed.view(np.int64)


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


@dataclass(frozen=True)
class Part:
    """The features of one kind (one n-gram order) in the order they start.

    ``starts`` holds where each starts in the normalised text, or None when feature ``i``
    starts at ``i``, as every character n-gram does: a scorer that sums by window needs no
    array of positions for those."""

    slots: Indices
    starts: Indices | None

    def at(self) -> Indices:
        return np.arange(len(self.slots)) if self.starts is None else self.starts

    def last(self) -> int:
        """Where the last feature starts (the part is never empty)."""
        return len(self.slots) - 1 if self.starts is None else int(self.starts[-1])


def _word_mask(points: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    # "clip" reads every code point past the table as its last entry, a word character
    return np.take(_WORD, points, mode="clip")


def _word_parts(
    points: npt.NDArray[np.uint32], codes: npt.NDArray[np.uint64], settings: Settings
) -> list[Part]:
    """The word 1..word_max-grams of a text given as code points (both widths).

    The hash of each word is taken from prefix sums of ``c_j * P**-(j+1)``, so every word's
    hash comes out of three vector operations whatever the number of words.
    """
    length = len(codes)
    padded = np.zeros(length + 2, dtype=bool)
    padded[1:-1] = _word_mask(points)
    # where a run of word characters starts or ends: starts and ends alternate
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    if not len(edges):
        return []
    starts, ends = edges[0::2], edges[1::2]
    inverse = _table("inverse", _P_INV, length + 1)
    prefix = np.empty(length + 1, dtype=np.uint64)
    prefix[0] = 0
    np.cumsum(codes * inverse[1:], dtype=np.uint64, out=prefix[1:])
    forward = _table("forward", _P, length + 1)
    words = (prefix[ends] - prefix[starts]) * forward[ends]
    found = [Part(_slot(words, _WORD_SALT, settings.bits), starts)]
    if settings.word_max >= 2 and len(words) >= 2:
        pairs = words[:-1] * _MIX + words[1:]
        found.append(Part(_slot(pairs, _WORD_SALT + 1, settings.bits), starts[:-1]))
    return found


def features(text: str, settings: Settings) -> tuple[Indices, list[Part]]:
    """Every feature slot of ``text`` in one array, kind after kind (character n-grams of
    each order, then words and word pairs), and the parts, whose slots are views of it: a
    scorer gathers all weights at once.

    The character n-grams are hashed straight into the array: with ``g = h * MIX`` (modulo
    2**64, as every step here) the rolling hash reads ``g_n = g_(n-1) * P + c * MIX`` and the
    slot ``(g_n + n * MIX) >> (64 - bits)``, the same numbers as ``_slot`` makes from ``h``,
    in three operations an order instead of five and without an array of its own."""
    points = _normalised_points(text)
    codes = points.astype(np.uint64)
    words = _word_parts(points, codes, settings)
    length = len(codes)
    orders = [n for n in range(2, settings.char_max + 1) if n <= length]
    chars = sum(length - n + 1 for n in orders if n >= settings.char_min)
    out = np.empty(chars + sum(len(part.slots) for part in words), dtype=np.uint64)
    mixed = codes * _MIX
    rolling = mixed
    spans: list[tuple[int, int, int]] = []  # (order, start, end) in ``out``
    for n in orders:
        size = length - n + 1
        if n >= settings.char_min:
            start = spans[-1][2] if spans else 0
            spans.append((n, start, start + size))
            target = out[start : start + size]
        else:
            target = np.empty(size, dtype=np.uint64)
        np.multiply(rolling[:size], _P, out=target)
        target += mixed[n - 1 :]
        rolling = target
    for n, start, end in spans:
        segment = out[start:end]
        segment += np.uint64(n * int(_MIX) % 2**64)
    region = out[:chars]
    region >>= np.uint64(64 - settings.bits)
    slots = out.view(np.int64)
    found = [Part(slots[start:end], None) for _, start, end in spans]
    for part in words:
        start = chars
        chars += len(part.slots)
        slots[start:chars] = part.slots
        found.append(Part(slots[start:chars], part.starts))
    return slots, found


def indices(text: str, settings: Settings) -> Indices:
    """Every feature slot of ``text`` (with repeats: a repeated n-gram counts again)."""
    return features(text, settings)[0]


def positions(text: str, settings: Settings) -> tuple[Indices, Indices]:
    """Every feature slot of ``text``, and where each starts in the normalised text (the
    normalised text is never empty: it holds at least a character bigram)."""
    slots, found = features(text, settings)
    return slots, np.concatenate([part.at() for part in found])
