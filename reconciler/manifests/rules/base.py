"""What every rule receives and returns: a document, its environment's context, problems."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reconciler.manifests.document import Document
from reconciler.structs.problems import Problem


@dataclass(frozen=True)
class Context:
    """Facts about the environment that change how a model is judged."""

    environment: str
    has_budget: bool = False


Rule = Callable[[Document, Context], Iterable[Problem]]
