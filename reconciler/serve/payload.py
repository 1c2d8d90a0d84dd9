"""A configure request's model, in either shape, as a ModelEndpoint manifest.

The starting point's flat shape (``name``, ``provider``, ``modelId``, ``credentials``, ...)
maps field for field onto ``metadata`` and ``spec``; a full manifest passes through. Nothing
is checked here beyond what is needed to name the file: the loader, schema and rules of
``reconcile validate`` judge the result, so both shapes get exactly the same problems.
"""

from __future__ import annotations

from typing import Any

from reconciler.engine.plan.manifest_text import manifest_document
from reconciler.serve.errors import problems_error
from reconciler.structs.identifiers import is_model_name
from reconciler.structs.problems import Problem, Severity

_FLAT_META = ("name", "labels")


def to_manifest(model: dict[str, Any]) -> dict[str, Any]:
    """A manifest document for ``model``; its name must already be a safe file name."""
    if "kind" in model or "spec" in model or "apiVersion" in model:
        document = model
    else:
        spec = {k: v for k, v in model.items() if k not in _FLAT_META}
        document = manifest_document(str(model.get("name", "")), {}, spec)
        if model.get("labels") is not None:
            document["metadata"]["labels"] = model["labels"]  # the schema judges its shape
    name_of(document)
    return document


def name_of(document: dict[str, Any]) -> str:
    """``metadata.name``, refused (400) unless it can be a file name under ``models/``."""
    metadata = document.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if not isinstance(name, str) or not is_model_name(name):
        problem = Problem(
            Severity.ERROR,
            "(request)",
            None,
            "schema-pattern",
            "metadata.name: a model needs a name of 3-64 lowercase letters, digits and '-'",
            "send metadata.name (or name in the flat shape), e.g. support-classifier",
            path="metadata.name",
        )
        raise problems_error([problem])
    return name
