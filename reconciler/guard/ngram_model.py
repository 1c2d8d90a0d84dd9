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
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from reconciler.guard.classifier import ClassifierError
from reconciler.guard.ngrams import Settings, positions

WEIGHTS = "ngram.npz"
SIDECAR = "ngram.json"
WINDOW = 1024  # characters; longer inputs are also scored in windows this wide
STRIDE = 512


@dataclass(frozen=True)
class NgramModel:
    """Weights, bias and threshold of the shipped model."""

    weights: npt.NDArray[np.float16]  # half the cache footprint of float32 for the gather
    bias: float
    threshold: float
    settings: Settings
    meta: dict[str, Any]

    def logit(self, text: str) -> float:
        """The model's raw score: the whole text's, or its highest window's when longer.

        Windows are ``WINDOW`` characters of the normalised text, ``STRIDE`` apart; each
        feature counts in the windows where it starts, so one pass over the features
        scores them all."""
        found, at = positions(text, self.settings)
        if not len(found):
            return self.bias
        contributions = self.weights[found].astype(np.float32)
        best = float(contributions.sum()) / math.sqrt(len(found))
        if at[-1] >= WINDOW or at.max() >= WINDOW:
            bins = at // STRIDE
            sums = np.bincount(bins, weights=contributions)
            counts = np.bincount(bins)
            span = WINDOW // STRIDE
            kernel = np.ones(span)
            window_sums = np.convolve(sums, kernel, mode="valid")
            window_counts = np.convolve(counts, kernel, mode="valid")
            usable = window_counts > 0
            if usable.any():
                scores = window_sums[usable] / np.sqrt(window_counts[usable])
                best = max(best, float(scores.max()))
        return best + self.bias

    def score(self, text: str) -> float:
        """The probability, from 0 to 1, that ``text`` is a prompt injection."""
        logit = self.logit(text)
        return 1.0 / (1.0 + math.exp(-logit)) if logit > -30 else 0.0


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
