"""Write ModelEndpoint manifests the way a person would: fixed key order, readable YAML.

Import and promote both produce manifests; they share this so the files look alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml


def manifest_document(
    name: str, labels: Mapping[str, str], spec: Mapping[str, Any]
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name}
    if labels:
        metadata["labels"] = dict(labels)
    return {
        "apiVersion": "reconciler/v1",
        "kind": "ModelEndpoint",
        "metadata": metadata,
        "spec": dict(spec),
    }


def render_manifest(document: Mapping[str, Any]) -> str:
    return yaml.safe_dump(dict(document), sort_keys=False, allow_unicode=True, width=100)
