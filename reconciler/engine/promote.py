"""`reconcile promote --from A --to B [NAME...]`: copy model specs between environments.

What moves is the model itself (provider, modelId, configuration, prompt, schema). What stays
is the target's own: its credentials references (each environment has its own keys), its
labels (they name teams, cost centres, tiers per environment) and its usage figures (traffic
differs per environment). A new model in the target takes the source's references as they are.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.engine.manifest_text import manifest_document, render_manifest
from reconciler.manifests import load_environment
from reconciler.structs.errors import ConfigError
from reconciler.structs.manifests import ModelEndpoint

TARGET_OWNED = ("credentials", "usage", "guard")


@dataclass(frozen=True)
class Promotion:
    name: str
    path: Path
    diff: str
    created: bool


def promoted_manifest(source: ModelEndpoint, target: ModelEndpoint | None) -> dict[str, Any]:
    spec = dict(source.spec)
    labels = dict(source.labels)
    if target is not None:
        for key in TARGET_OWNED:
            if key in target.spec:
                spec[key] = target.spec[key]
        labels.update(target.labels)
    return manifest_document(source.name, labels, spec)


def run_promote(
    root: Path,
    *,
    source_env: str,
    target_env: str,
    names: tuple[str, ...] = (),
    dry_run: bool = False,
) -> list[Promotion]:
    if source_env == target_env:
        raise ConfigError("--from and --to name the same environment")
    source = load_environment(root, source_env)
    target = load_environment(root, target_env)
    chosen = [m for m in source.models if not names or m.name in names]
    unknown = set(names) - {m.name for m in chosen}
    if unknown:
        raise ConfigError(f"not in '{source_env}': {', '.join(sorted(unknown))}")
    folder = root / "environments" / target_env / "models"
    out: list[Promotion] = []
    originals: dict[Path, str | None] = {}
    for model in chosen:
        existing = target.model(model.name)
        path = folder / f"{model.name}.yaml"
        before = path.read_text(encoding="utf-8") if path.exists() else ""
        after = render_manifest(promoted_manifest(model, existing))
        diff = "".join(
            difflib.unified_diff(
                before.splitlines(keepends=True),
                after.splitlines(keepends=True),
                fromfile=f"a/{path.relative_to(root)}",
                tofile=f"b/{path.relative_to(root)}",
            )
        )
        if diff and not dry_run:
            originals[path] = before if path.exists() else None
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(after, encoding="utf-8")
        out.append(Promotion(name=model.name, path=path, diff=diff, created=not before))
    _validate_or_restore(root, target_env, originals)
    return out


def _validate_or_restore(root: Path, env: str, originals: dict[Path, str | None]) -> None:
    """A promotion that leaves the target invalid is undone: nothing half-applied."""
    try:
        load_environment(root, env)
    except ConfigError:
        for path, text in originals.items():
            if text is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(text, encoding="utf-8")
        raise
