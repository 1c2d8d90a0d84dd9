"""The classifier tier: a bigger, optional detector behind the phrase rules.

Rules catch what they have words for; a learned model catches paraphrases they miss. The
guard ships a small n-gram model that runs by default (``ngram_model``); this tier is for a
team that brings a bigger one. It is an interface (``Classifier``: text in, probability of
injection out) with one adapter, ``OnnxClassifier``, for a sequence-classification model the
user exports and downloads themselves (a DeBERTa prompt-injection model, Prompt Guard): a
folder with ``model.onnx`` and the Hugging Face ``tokenizer.json``, and optionally
``config.json`` for label names. The project ships no weights for this tier. ONNX Runtime and
tokenizers are an optional extra (``pip install 'llm-gateway-reconciler[guard-ml]'``),
imported only when a model is loaded.

Long inputs are cut into windows of the model's length and the highest score counts, so
an instruction at the end of 4 KB of prose is not truncated away.
"""

from __future__ import annotations

import importlib
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from reconciler.structs.errors import ConfigError

MAX_TOKENS = 512
STRIDE = 32
_BENIGN_LABELS = frozenset({"benign", "safe", "legit", "legitimate", "label_0", "0", "negative"})


class ClassifierError(ConfigError):
    """The classifier cannot be loaded or run; the message says what to fix."""


class Classifier(Protocol):
    """A second-stage detector."""

    def score(self, text: str) -> float:
        """The probability, from 0 to 1, that ``text`` is a prompt injection."""
        ...


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise ClassifierError(
            f"the guard classifier needs {name}",
            hint="pip install 'llm-gateway-reconciler[guard-ml]' (or -e '.[guard-ml]' here)",
        ) from error


class OnnxClassifier:
    """A sequence-classification model in ONNX form, with its tokenizer."""

    def __init__(self, folder: Path, max_tokens: int = MAX_TOKENS) -> None:
        model, tokenizer = folder / "model.onnx", folder / "tokenizer.json"
        for needed in (model, tokenizer):
            if not needed.is_file():
                raise ClassifierError(
                    f"classifier folder {folder} has no {needed.name}; export the model with"
                    " model.onnx and tokenizer.json side by side (see the README)"
                )
        ort = _module("onnxruntime")
        tokenizers = _module("tokenizers")
        self._np = _module("numpy")
        try:
            self._tokenizer = tokenizers.Tokenizer.from_file(str(tokenizer))
            options = ort.SessionOptions()
            options.intra_op_num_threads = 1
            self._session = ort.InferenceSession(
                str(model), options, providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # both libraries raise their own exception types
            raise ClassifierError(f"cannot load the classifier in {folder}: {error}") from error
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_tokens, stride=STRIDE)
        self._inputs = {each.name for each in self._session.get_inputs()}
        if "input_ids" not in self._inputs:
            raise ClassifierError(
                f"{model} takes {sorted(self._inputs)}; a sequence classifier takes input_ids"
            )
        self._benign = _benign_indices(folder / "config.json")

    def score(self, text: str) -> float:
        """The highest injection probability over the input's windows."""
        first = self._tokenizer.encode(text)
        windows = [first, *first.overflowing]
        width = max(len(w.ids) for w in windows)
        np = self._np
        ids = np.zeros((len(windows), width), dtype=np.int64)
        mask = np.zeros((len(windows), width), dtype=np.int64)
        for row, window in enumerate(windows):
            ids[row, : len(window.ids)] = window.ids
            mask[row, : len(window.ids)] = 1
        feed = {"input_ids": ids}
        if "attention_mask" in self._inputs:
            feed["attention_mask"] = mask
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        logits = self._session.run(None, feed)[0]
        return max(self._injection(list(map(float, row))) for row in logits)

    def _injection(self, logits: list[float]) -> float:
        """Softmax, then the probability of every label that is not benign."""
        top = max(logits)
        exps = [math.exp(x - top) for x in logits]
        total = sum(exps)
        benign = self._benign if self._benign else {0}
        return sum(e for i, e in enumerate(exps) if i not in benign) / total


def _benign_indices(config: Path) -> set[int]:
    """Indices of the benign labels, from ``config.json``'s ``id2label`` when present."""
    if not config.is_file():
        return set()
    try:
        labels = json.loads(config.read_text(encoding="utf-8")).get("id2label") or {}
    except (OSError, ValueError) as error:
        raise ClassifierError(f"cannot read {config}: {error}") from error
    return {int(i) for i, name in labels.items() if str(name).lower() in _BENIGN_LABELS}


@lru_cache(maxsize=8)
def load_classifier(path: str) -> Classifier:
    """The classifier in the folder ``path``, loaded once per process."""
    folder = Path(path)
    if not folder.is_dir():
        raise ClassifierError(
            f"classifier path {path} is not a folder; point policy.guard.classifier.path at the"
            " folder holding model.onnx and tokenizer.json"
        )
    return OnnxClassifier(folder)
