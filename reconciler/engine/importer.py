"""`reconcile import`: write manifests from live state.

Server fields and empty values are stripped, reserved labels dropped, and the API key (which the
API never returns) becomes a predictable ``${<NAME>_API_KEY}`` reference, so importing and then
planning shows no changes once that variable holds the key.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconciler.engine.connect import open_client
from reconciler.engine.manifest_text import manifest_document, render_manifest
from reconciler.engine.normalize import comparable, is_managed
from reconciler.manifests import load_environment
from reconciler.structs.errors import ConfigError
from reconciler.structs.manifests import RESERVED_LABEL_PREFIX


@dataclass(frozen=True)
class ImportRequest:
    root: Path
    environment: str
    names: tuple[str, ...] = ()
    force: bool = False
    sandbox: bool = False
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


@dataclass(frozen=True)
class Imported:
    name: str
    path: Path
    variable: str
    managed: bool


def key_variable(name: str) -> str:
    """``support-classifier`` -> ``SUPPORT_CLASSIFIER_API_KEY``."""
    return re.sub(r"[^A-Z0-9]", "_", name.upper()) + "_API_KEY"


def manifest_for(model: Mapping[str, Any]) -> dict[str, Any]:
    """A ModelEndpoint manifest from a live model (no secret: the API never returns keys)."""
    live = comparable(model)
    name = str(live["name"])
    labels = {
        k: v
        for k, v in (live.get("labels") or {}).items()
        if not k.startswith(RESERVED_LABEL_PREFIX)
    }
    spec: dict[str, Any] = {}
    for key in ("description", "provider", "modelId"):
        if key in live:
            spec[key] = live[key]
    spec["credentials"] = {
        "apiKey": "${" + key_variable(name) + "}",
        **(live.get("credentials") or {}),
    }
    for key in ("configuration", "promptTemplate", "responseSchema"):
        if key in live:
            spec[key] = live[key]
    return manifest_document(name, labels, spec)


def run_import(request: ImportRequest) -> list[Imported]:
    loaded = load_environment(request.root, request.environment)
    folder = request.root / "environments" / request.environment / "models"
    sandbox_root = request.root if request.sandbox else None
    with open_client(loaded.config, environ=request.environ, sandbox_root=sandbox_root) as client:
        live = [
            m for m in client.list_models() if not request.names or m.get("name") in request.names
        ]
    unknown = set(request.names) - {str(m.get("name")) for m in live}
    if unknown:
        raise ConfigError(f"not live in '{request.environment}': {', '.join(sorted(unknown))}")
    targets = [(m, folder / f"{m['name']}.yaml") for m in live]
    clashes = [str(p.relative_to(request.root)) for _, p in targets if p.exists()]
    if clashes and not request.force:
        raise ConfigError(
            f"refusing to overwrite {', '.join(clashes)}",
            hint="pass --force to overwrite, or name other models",
        )
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for model, path in targets:
        text = render_manifest(manifest_for(model))
        path.write_text(text, encoding="utf-8")
        out.append(
            Imported(
                name=str(model["name"]),
                path=path,
                variable=key_variable(str(model["name"])),
                managed=is_managed(model),
            )
        )
    return out
