"""The guard's inputs and outputs: a policy value in, a verdict value out.

Both are frozen dataclasses so a verdict can be logged, compared and passed between layers
without anyone changing it behind the scanner's back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MODES = ("block", "flag")
DEFAULT_THRESHOLD = 1.0
DEFAULT_CLASSIFIER_THRESHOLD = 0.5


@dataclass(frozen=True)
class ClassifierConfig:
    """A second-stage detector: a model folder, and the score at or over which it blocks.

    ``path`` is a folder with ``model.onnx`` and ``tokenizer.json`` (see ``classifier``).
    ``threshold`` is a probability, so it lies in (0, 1].
    """

    path: str
    threshold: float = DEFAULT_CLASSIFIER_THRESHOLD

    def __post_init__(self) -> None:
        if not self.path:
            raise ValueError("classifier path must not be empty")
        if not 0 < self.threshold <= 1:
            raise ValueError(f"classifier threshold must be in (0, 1], got {self.threshold}")


@dataclass(frozen=True)
class GuardPolicy:
    """How a scan result turns into a decision.

    ``mode`` "block" refuses input whose score reaches ``threshold``; "flag" lets it through
    marked as flagged. Input longer than ``max_input_chars`` is always refused, whatever the
    mode, because the cap bounds cost and scan time rather than expressing a suspicion.
    With a ``classifier``, its score is a second opinion: either it or the rules can flag.
    ``model`` runs the n-gram model shipped in the wheel beside the rules (either can flag);
    ``model_threshold`` replaces the threshold its training chose (``ngram_model``).
    """

    mode: str = "block"
    max_input_chars: int = 16000
    threshold: float = DEFAULT_THRESHOLD
    classifier: ClassifierConfig | None = None
    model: bool = True
    model_threshold: float | None = None

    def __post_init__(self) -> None:
        if self.model_threshold is not None and not 0 < self.model_threshold <= 1:
            raise ValueError(f"model threshold must be in (0, 1], got {self.model_threshold}")
        if self.mode not in MODES:
            raise ValueError(f"guard mode {self.mode!r} is not one of {', '.join(MODES)}")
        if self.max_input_chars <= 0:
            raise ValueError(f"max_input_chars must be positive, got {self.max_input_chars}")
        if self.threshold <= 0:
            raise ValueError(f"threshold must be positive, got {self.threshold}")


@dataclass(frozen=True)
class Verdict:
    """The outcome of one scan.

    ``flagged`` means the detectors fired (score at or over the threshold, or over the size
    cap); ``blocked`` means the input must not be sent; ``allowed`` is its negation.
    ``sanitized`` is the input with NUL and other control characters removed, the only change
    the guard ever makes to what is sent. With a classifier configured, ``classifier_score``
    is its probability of injection and ``classifier_ms`` the time it took. ``model_score``
    is the shipped n-gram model's probability (None when the policy turns it off, or when
    the rules flagged the text and the model could not change the verdict).
    ``reasons`` say in words what was found, one line per finding; ``details`` keep each
    rule's weight and language for ``-v``. The thresholds are those the scores were held
    against, so that ``decision`` can say which detector decided.
    """

    allowed: bool
    blocked: bool
    flagged: bool
    score: float
    reasons: tuple[str, ...]
    sanitized: str
    classifier_score: float | None = None
    classifier_ms: float | None = None
    model_score: float | None = None
    details: tuple[str, ...] = ()
    threshold: float = DEFAULT_THRESHOLD  # the rules' score's, from the policy
    model_threshold: float | None = None  # the shipped model's, when it was asked
    classifier_threshold: float | None = None  # the configured classifier's, when there is one

    def scores(self) -> tuple[Score, ...]:
        """Each detector that scored the input, against its threshold: the rules always,
        the shipped model and the configured classifier when they were asked."""
        found = [Score("rules", self.score, self.threshold)]
        if self.model_score is not None and self.model_threshold is not None:
            found.append(Score("classifier", self.model_score, self.model_threshold))
        if self.classifier_score is not None and self.classifier_threshold is not None:
            found.append(
                Score("configured classifier", self.classifier_score, self.classifier_threshold)
            )
        return tuple(found)

    def decision(self) -> str:
        """What decided, for a person: the detectors that reached their thresholds first,
        then the others ("the classifier 0.80, at or over 0.71; the rules 0.40, under
        1.00"). A verdict flagged by none of them was over the size cap."""
        scores = self.scores()
        reached = [score for score in scores if score.reached]
        if self.flagged and not reached:
            return "the input is over the size cap"
        others = [score for score in scores if not score.reached]
        return "; ".join(score.in_words() for score in (*reached, *others))

    def decided(self) -> dict[str, Any]:
        """``decision`` and ``scores`` as the JSON answers carry them (``reconcile invoke
        --format json``, the service's ``guard``), beside ``verdict`` and ``reasons``."""
        return {
            "decision": self.decision(),
            "scores": [score.as_dict() for score in self.scores()],
        }


@dataclass(frozen=True)
class Score:
    """One detector's score and the threshold at or over which it flags."""

    detector: str  # "rules", "classifier" (the shipped model) or "configured classifier"
    score: float
    threshold: float

    @property
    def reached(self) -> bool:
        return self.score >= self.threshold

    def in_words(self) -> str:
        side = "at or over" if self.reached else "under"
        return f"the {self.detector} {self.score:.2f}, {side} {self.threshold:.2f}"

    def as_dict(self) -> dict[str, str | float | bool]:
        """For the JSON answers (``reconcile invoke --format json``, the service)."""
        return {
            "detector": self.detector,
            "score": self.score,
            "threshold": self.threshold,
            "reached": self.reached,
        }
