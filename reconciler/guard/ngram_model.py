"""The shipped classifier: a linear model over hashed n-grams, run beside the phrase rules.

Rules catch what they have words for; this model, trained by ``tools/train_guard.py`` on
the public and written data recorded in ``tools/guard_data/README.md``, catches phrasings
and languages the tables have no words for. Its weights ship in the wheel
(``model/ngram.npz``, float16) with a sidecar (``model/ngram.json``) holding their sha256,
the feature settings, the threshold chosen by cross-validation and the data manifest they
came from. Loading checks the checksum and never touches the network; scoring needs numpy
alone.

Long inputs are scored in overlapping windows as well as whole, and the highest score
counts, so an instruction at the end of 4 KB of prose is not averaged away.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from reconciler.guard.classifier import ClassifierError
from reconciler.guard.ngrams import Part, Settings, features

WEIGHTS = "ngram.npz"
SIDECAR = "ngram.json"
WINDOW = 1024  # characters; longer inputs are also scored in windows this wide
STRIDE = 512


# Per-window sums are taken in float64 by runs, which is exact, and so equal to summing each
# window's features one by one in any order, as long as every partial sum is exact: float16
# weights are whole multiples of 2**-24, and such sums stay exact below 2**29.
_EXACT_SUM = 2.0**29


@dataclass(frozen=True)
class NgramModel:
    """Weights, bias and threshold of the shipped model."""

    weights: npt.NDArray[np.float16]
    bias: float
    threshold: float
    settings: Settings
    meta: dict[str, Any]
    # the weights widened once: a gather from it needs no conversion per feature afterwards
    _wide: npt.NDArray[np.float32] = field(init=False, repr=False, compare=False)
    _largest: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        wide = self.weights.astype(np.float32)
        object.__setattr__(self, "_wide", wide)
        exact = self.weights.dtype == np.float16 and len(wide) > 0
        object.__setattr__(self, "_largest", float(np.abs(wide).max()) if exact else math.inf)

    def logit(self, text: str) -> float:
        """The model's raw score: the whole text's, or its highest window's when longer.

        Windows are ``WINDOW`` characters of the normalised text, ``STRIDE`` apart; each
        feature counts in the windows where it starts, so one pass over the features
        scores them all."""
        slots, found = features(text, self.settings)
        total = len(slots)
        if not total:
            return self.bias
        contributions = np.take(self._wide, slots)
        best = float(contributions.sum()) / math.sqrt(total)
        last = max(part.last() for part in found)
        if last >= WINDOW:
            if self._largest * total < _EXACT_SUM:
                window = _best_window_by_runs(found, contributions, last // STRIDE + 1)
            else:
                window = _best_window(*_bin_counts(found, contributions))
            best = max(best, window)
        return best + self.bias

    def score(self, text: str) -> float:
        """The probability, from 0 to 1, that ``text`` is a prompt injection."""
        logit = self.logit(text)
        return 1.0 / (1.0 + math.exp(-logit)) if logit > -30 else 0.0


Sums = npt.NDArray[np.float64]
Counts = npt.NDArray[np.int64]


def _best_window_by_runs(
    found: list[Part], contributions: npt.NDArray[np.float32], bins: int
) -> float:
    """The highest window score, from the sum and number of the features starting in each
    ``STRIDE``-wide bin.

    Each part's features are in the order they start, so a bin holds one run of each part,
    and the runs of all parts, bin after bin, tile the contributions: one ``reduceat`` sums
    them all (pairwise, where ``bincount`` adds one at a time). The few bins and windows
    are then plain floats, which give the same sums (exact) and the same square roots and
    quotients (correctly rounded) as arrays would."""
    bounds = np.arange(bins + 1) * STRIDE
    edges = np.empty((len(found), bins + 1), dtype=np.int64)
    offset = 0
    for index, part in enumerate(found):
        size = len(part.slots)
        ends = np.minimum(bounds, size) if part.starts is None else part.starts.searchsorted(bounds)
        np.add(ends, offset, out=edges[index])
        offset += size
    lows, highs = edges[:, :-1].ravel(), edges[:, 1:].ravel()
    owners = np.tile(np.arange(bins), len(found))
    used = lows < highs
    lows, owners = lows[used], owners[used]
    runs = np.add.reduceat(contributions, lows, dtype=np.float64)
    # bincount adds each bin's runs in their order, as a loop would (and the sums are exact)
    sums = np.bincount(owners, weights=runs, minlength=bins).tolist()
    counts = np.bincount(owners, weights=highs[used] - lows, minlength=bins).tolist()
    span = WINDOW // STRIDE
    scores = [
        sum(sums[at : at + span]) / math.sqrt(sum(counts[at : at + span]))
        for at in range(bins - span + 1)
        if sum(counts[at : at + span]) > 0
    ]
    return max(scores, default=-math.inf)


def _bin_counts(found: list[Part], contributions: npt.NDArray[np.float32]) -> tuple[Sums, Counts]:
    """The same, one feature at a time: for weights whose sums might round."""
    bins = np.concatenate([part.at() for part in found]) // STRIDE
    sums = np.asarray(np.bincount(bins, weights=contributions), dtype=np.float64)
    return sums, np.asarray(np.bincount(bins), dtype=np.int64)


def _best_window(sums: Sums, counts: Counts) -> float:
    """The highest score of a window (``WINDOW // STRIDE`` bins) that has features, from
    the sum and number of features of each bin."""
    kernel = np.ones(WINDOW // STRIDE)
    window_sums = np.convolve(sums, kernel, mode="valid")
    window_counts = np.convolve(counts, kernel, mode="valid")
    usable = window_counts > 0
    if not usable.any():
        return -math.inf
    return float((window_sums[usable] / np.sqrt(window_counts[usable])).max())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def from_bytes(weights: bytes, sidecar: dict[str, Any]) -> NgramModel:
    """Check the weights against their sidecar's checksum and settings, then load them."""
    digest = sha256(weights)
    if digest != sidecar.get("sha256"):
        raise ClassifierError(
            f"the guard model's weights have sha256 {digest}, its sidecar says"
            f" {sidecar.get('sha256')}; rebuild both with tools/train_guard.py"
        )
    settings = Settings(**sidecar["features"])
    with np.load(io.BytesIO(weights)) as archive:
        vector = archive["weights"].astype(np.float16)
        bias = float(archive["bias"])
    if vector.shape != (2**settings.bits,):
        raise ClassifierError(
            f"the guard model has {vector.shape[0]} weights, its settings say {2**settings.bits}"
        )
    return NgramModel(vector, bias, float(sidecar["threshold"]), settings, sidecar)


@cache
def shipped() -> NgramModel:
    """The model in the wheel, loaded and checked once per process."""
    folder = resources.files("reconciler.guard") / "model"
    try:
        weights = (folder / WEIGHTS).read_bytes()
        sidecar = json.loads((folder / SIDECAR).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ClassifierError(
            f"cannot read the guard's shipped model: {error}; reinstall the package"
        ) from error
    return from_bytes(weights, sidecar)
