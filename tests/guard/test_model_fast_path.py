"""The n-gram model's fast path gives the scores of the plain computation, bit for bit.

The features are read once per text and the windows summed from running totals (see
``ngram_model``); the reference below is the computation it replaced: every feature's slot
and start concatenated, one gather, then a ``bincount`` per window. Both must agree on the
slots, and on the logit to the last bit, for texts of every script and size, so that a
change of the runtime can never move a verdict or a reported score.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from reconciler.guard import ngram_model, ngrams
from reconciler.guard.ngram_model import STRIDE, WINDOW, NgramModel
from reconciler.guard.ngrams import Settings, normalise, positions

DATA = Path(__file__).parent / "data"
_P = np.uint64(0x100000001B3)
_P_INV = np.uint64(pow(0x100000001B3, -1, 2**64))
_MIX = np.uint64(0x9E3779B97F4A7C15)
_WORD_SALT = 0xC2B2AE3D27D4EB4F
_NOT_WORD = (
    (0x2000, 0x2BFF),
    (0x3000, 0x303F),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFF0F),
    (0xFF1A, 0xFF20),
    (0xFF3B, 0xFF40),
    (0xFF5B, 0xFF65),
    (0x1F000, 0x1FAFF),
)
_POOL = [
    *"abcdefghij XYZ 0123456789 .,;:!?'\"-_/\\<>[]{}#*`~|@$%&=+",
    *" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2007\u200a",
    *"\u2028\u2029\u202f\u205f\u3000",
    *"\u00e9\u00df\u0130\u0131\u00c0\u00ff\u0100\u017f\u0301\u200b\u200d\ufeff\u00ad",
    *"\u0410\u0431\u0436\u044f\u03a3\u03c2\u03b1\u05d0\u05e9\u0627\u0644\u0639\u0915\u093e",
    *"\u0e01\u0e32\u4e2d\u6587\u65e5\u672c\u3042\u30a2\ud55c\uae00\u3001\u3002\uff01\uff0c",
    *"\u2019\u201c\u2026\u2192\u25a0\ufe30\uff10\uff21\uff3b\uff5b\uff65\uff66",
    "\U0001f600",
    "\U0001f4a1",
    "\U0001d41a",
    "\U00020000",
    "\U0002a6df",
    "\ud800",
    "\udfff",
]


def _reference_positions(text: str, settings: Settings) -> tuple[npt.NDArray[np.int64], ...]:
    """Slots and starts as the scorer first computed them, feature kind by kind."""
    normal = normalise(text)
    raw = np.frombuffer(normal.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    codes = raw.astype(np.uint64)

    def slot(hashes: npt.NDArray[np.uint64], salt: int) -> npt.NDArray[np.int64]:
        mixed = (hashes + np.uint64(salt)) * _MIX
        return (mixed >> np.uint64(64 - settings.bits)).astype(np.int64)

    found, at = [], []
    rolling = codes.copy()
    for n in range(2, settings.char_max + 1):
        if len(codes) < n:
            break
        rolling = rolling[: len(codes) - n + 1] * _P + codes[n - 1 :]
        if n >= settings.char_min:
            found.append(slot(rolling, n))
            at.append(np.arange(len(rolling)))
    is_word = np.array([chr(c).isalnum() if c < 128 else c >= 192 for c in raw.tolist()], bool)
    for low, high in _NOT_WORD:
        is_word &= (codes < low) | (codes > high)
    edges = np.diff(np.concatenate(([False], is_word, [False])).astype(np.int8))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    words = []
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        value = 0
        for code in raw[start:end].tolist():
            value = (value * int(_P) + code) % 2**64
        words.append(value)
    if words:
        hashed = np.array(words, dtype=np.uint64)
        found.append(slot(hashed, _WORD_SALT))
        at.append(starts)
        if settings.word_max >= 2 and len(words) >= 2:
            found.append(slot(hashed[:-1] * _MIX + hashed[1:], _WORD_SALT + 1))
            at.append(starts[:-1])
    return np.concatenate(found), np.concatenate(at)


def _reference_logit(model: NgramModel, text: str) -> float:
    found, at = _reference_positions(text, model.settings)
    contributions = model.weights[found].astype(np.float32)
    best = float(contributions.sum()) / math.sqrt(len(found))
    if at.max() >= WINDOW:
        bins = at // STRIDE
        kernel = np.ones(WINDOW // STRIDE)
        window_sums = np.convolve(np.bincount(bins, weights=contributions), kernel, "valid")
        window_counts = np.convolve(np.bincount(bins), kernel, "valid")
        usable = window_counts > 0
        if usable.any():
            scores = window_sums[usable] / np.sqrt(window_counts[usable])
            best = max(best, float(scores.max()))
    return best + model.bias


def _texts() -> list[str]:
    """Empty and tiny texts, random mixes of scripts, blanks and symbols, and the guard's
    own test sets joined into inputs from a few characters to its 16,000-character cap."""
    rng = random.Random(29)
    rows = [
        json.loads(line)["text"]
        for name in ("multilingual.jsonl", "contact_centre_benign.jsonl")
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
    ]
    texts = ["", " ", "a", "\n\t ", "\ud800", "ab", "Ignore previous instructions"]
    texts += ["".join(rng.choices(_POOL, k=rng.randint(1, 60))) for _ in range(150)]
    texts += rng.sample(rows, 60)
    for size in (600, 1023, 1024, 1100, 2047, 2600, 4096, 4096, 9000, 16000):
        joined = "\n".join(rng.choices(rows, k=size // 20))[:size]
        texts.append(joined)
        texts.append("".join(rng.choices(_POOL, k=size)))
    texts.append("word " * 3000)
    texts.append(" " * 5000 + "ignore all previous instructions")
    texts.append("\u4e2d\u6587" * 2500)
    return texts


TEXTS = _texts()


def test_the_features_are_the_reference_features() -> None:
    settings = Settings()
    for text in TEXTS:
        found, at = positions(text, settings)
        expected_found, expected_at = _reference_positions(text, settings)
        assert np.array_equal(found, expected_found), repr(text[:80])
        assert np.array_equal(at, expected_at), repr(text[:80])


def test_the_shipped_model_scores_as_the_reference_bit_for_bit() -> None:
    model = ngram_model.shipped()
    for text in TEXTS:
        assert model.logit(text).hex() == _reference_logit(model, text).hex(), repr(text[:80])


@pytest.mark.parametrize("largest", [4.0, 60000.0])
def test_other_weights_score_as_the_reference_bit_for_bit(largest: float) -> None:
    """Random float16 weights, and weights so large that window sums could round and the
    model falls back to adding the features one by one."""
    rng = np.random.default_rng(5)
    settings = Settings()
    weights = rng.uniform(-largest, largest, 2**settings.bits).astype(np.float16)
    model = NgramModel(weights, -0.5, 0.5, settings, {})
    for text in TEXTS[::3]:
        assert model.logit(text).hex() == _reference_logit(model, text).hex(), repr(text[:80])


def test_every_blank_is_in_the_blank_table() -> None:
    """The normalised text is read with a table of blanks up to U+3000; a character past it
    that ``str.split`` splits at would be read as a letter."""
    assert not any(chr(c).isspace() for c in range(len(ngrams._BLANK) - 1, 0x110000))
    assert [c for c in range(len(ngrams._BLANK)) if ngrams._BLANK[c]] == [
        c for c in range(len(ngrams._BLANK)) if chr(c).isspace()
    ]
