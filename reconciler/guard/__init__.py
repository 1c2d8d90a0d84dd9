"""Input guard: screen end-user text for prompt injection before it reaches a model.

The guard never rewrites the meaning of the text. It builds separate detection views
(normalised, de-obfuscated, decoded), matches phrase families (vocabulary tables for twenty
languages in ``lexicon/``) and language-agnostic structures, scores the text with the small
n-gram model shipped in the wheel (``ngram_model``), optionally asks a bigger classifier
model, and returns a verdict with a score and the reasons. The only change to what is sent
is the removal of NUL and other control characters.
"""

from reconciler.guard.classifier import Classifier, ClassifierError, load_classifier
from reconciler.guard.policy import ClassifierConfig, GuardPolicy, Verdict
from reconciler.guard.scanner import accelerate, accelerated, scan
from reconciler.guard.template_lint import lint_template

__all__ = [
    "Classifier",
    "ClassifierConfig",
    "ClassifierError",
    "GuardPolicy",
    "Verdict",
    "accelerate",
    "accelerated",
    "lint_template",
    "load_classifier",
    "scan",
]
