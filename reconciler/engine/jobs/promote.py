"""`reconcile promote --from A --to B [NAME...]`: copy model specs between environments.

What moves is the model itself (provider, modelId, configuration, prompt, schema). What stays
is the target's own: its credentials references (each environment has its own keys), its
labels (they name teams, cost centres, tiers per environment), its usage figures (traffic
differs), pricing (agreements differ) and guard settings. A model new to the target must not
use the source's keys: references named ``${<SOURCE>_...}`` are renamed ``${<TARGET>_...}``, and
any other reference is refused, because its target name cannot be guessed, unless
``keep_refs`` (then it is copied unchanged).
Whether a file changes is decided on the parsed documents, never on formatting; the result is
validated before anything is written (a dry run validates a temporary copy).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.engine.plan.diff import field_changes
from reconciler.engine.plan.manifest_files import check_manifests, write_manifests
from reconciler.engine.plan.manifest_text import manifest_document, render_manifest, schema_modeline
from reconciler.gitops.lock import manifest_lock
from reconciler.gitops.locksettings import DEFAULT_TIMEOUT
from reconciler.manifests import load_environment, require_known
from reconciler.manifests.refs import REF
from reconciler.structs import fields
from reconciler.structs.diffs import FieldChange
from reconciler.structs.errors import ConfigError
from reconciler.structs.fields import Promote
from reconciler.structs.manifests import ModelEndpoint


@dataclass(frozen=True)
class Promotion:
    name: str
    path: Path
    diff: str
    created: bool
    changes: tuple[FieldChange, ...] = ()
    notes: tuple[str, ...] = ()


def env_prefix(env: str) -> str:
    """``dev`` -> ``DEV_``: how an environment's variables are named by convention."""
    return re.sub(r"[^A-Z0-9]", "_", env.upper()) + "_"


def promoted_manifest(source: ModelEndpoint, target: ModelEndpoint | None) -> dict[str, Any]:
    spec = dict(source.spec)
    labels = dict(source.labels)
    if target is not None:
        for key in fields.model_fields().promoted(Promote.TARGET):
            if key in target.spec:
                spec[key] = target.spec[key]
        labels.update(target.labels)
    return manifest_document(source.name, labels, spec)


def retarget_credentials(
    model: ModelEndpoint, *, source_env: str, target_env: str
) -> tuple[dict[str, Any], list[str], list[str]]:
    """Credentials with source references renamed; refused references; notes on literals."""
    old, new = env_prefix(source_env), env_prefix(target_env)
    refused: list[str] = []
    notes: list[str] = []

    out: dict[str, Any] = {}
    for key, value in (model.spec.get("credentials") or {}).items():
        if isinstance(value, str) and REF.search(value):
            for name in REF.findall(value):
                if not name.startswith(old):
                    refused.append(f"{model.name} credentials.{key} ${{{name}}}")
            out[key] = REF.sub(lambda m: _renamed(m[1], old=old, new=new), value)
        else:
            out[key] = value
            notes.append(
                f"credentials.{key} copied from '{source_env}' as it is: "
                f"check it is right for '{target_env}'"
            )
    return out, refused, notes


def _renamed(name: str, *, old: str, new: str) -> str:
    return "${" + (new + name.removeprefix(old) if name.startswith(old) else name) + "}"


def run_promote(
    root: Path,
    *,
    source_env: str,
    target_env: str,
    names: tuple[str, ...] = (),
    dry_run: bool = False,
    keep_refs: bool = False,
    lock_timeout: float = DEFAULT_TIMEOUT,
) -> list[Promotion]:
    """Promote; a real run holds the target environment's lock while it writes."""
    if dry_run:
        return _promote(root, source_env, target_env, names, dry_run=True, keep_refs=keep_refs)
    require_known(root, [source_env, target_env])
    with manifest_lock(root, target_env, timeout=lock_timeout):
        return _promote(root, source_env, target_env, names, dry_run=False, keep_refs=keep_refs)


def _promote(
    root: Path,
    source_env: str,
    target_env: str,
    names: tuple[str, ...],
    *,
    dry_run: bool,
    keep_refs: bool,
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
    texts: dict[Path, str] = {}
    refused: list[str] = []
    for model in chosen:
        existing = target.model(model.name)
        path = root / existing.source if existing else folder / f"{model.name}.yaml"
        promoted, bad, notes = _for_target(model, existing, source_env, target_env)
        refused += [] if keep_refs else bad
        promotion, text = _promotion(root, path, promoted, existing, notes=notes)
        if text is not None:
            texts[path] = text
        out.append(promotion)
    if refused:
        raise _refusal(refused, source_env=source_env, target_env=target_env)
    if texts:
        (check_manifests if dry_run else write_manifests)(root, target_env, texts)
    return out


def _for_target(
    model: ModelEndpoint, existing: ModelEndpoint | None, source_env: str, target_env: str
) -> tuple[ModelEndpoint, list[str], list[str]]:
    """The model as it goes to the target: a new one with its references renamed."""
    if existing is not None:
        return model, [], []
    credentials, refused, notes = retarget_credentials(
        model, source_env=source_env, target_env=target_env
    )
    spec = {**model.spec, "credentials": credentials}
    return ModelEndpoint(name=model.name, spec=spec, labels=model.labels), refused, notes


def _promotion(
    root: Path,
    path: Path,
    model: ModelEndpoint,
    existing: ModelEndpoint | None,
    *,
    notes: list[str],
) -> tuple[Promotion, str | None]:
    """What promoting ``model`` changes (decided on parsed documents) and the new file text."""
    after = promoted_manifest(model, existing)
    before = manifest_document(existing.name, existing.labels, existing.spec) if existing else {}
    changes = field_changes(before, after)
    if not changes:
        return Promotion(name=model.name, path=path, diff="", created=False), None
    previous = path.read_text(encoding="utf-8") if existing is not None else ""
    text = render_manifest(after, previous=previous or None, modeline=schema_modeline(root))
    relative = path.relative_to(root).as_posix()
    diff = "".join(
        difflib.unified_diff(
            previous.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile="/dev/null" if existing is None else f"a/{relative}",
            tofile=f"b/{relative}",
        )
    )
    promotion = Promotion(
        name=model.name,
        path=path,
        diff=diff,
        created=existing is None,
        changes=changes,
        notes=tuple(notes),
    )
    return promotion, text


def _refusal(refused: list[str], *, source_env: str, target_env: str) -> ConfigError:
    return ConfigError(
        f"not promoted: a model new to '{target_env}' would keep '{source_env}' credentials "
        f"references that do not follow the {env_prefix(source_env)}* naming, so their "
        f"'{target_env}' names cannot be derived: {'; '.join(refused)}; nothing was written",
        hint=f"add the model to '{target_env}' first (promote then keeps its references), "
        "or pass --keep-refs to copy the references unchanged",
    )
