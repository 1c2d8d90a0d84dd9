"""`reconcile import`: write manifests from live state.

Server fields and empty values are stripped, reserved labels dropped, and the API key (which the
API never returns) becomes a predictable ``${<NAME>_API_KEY}`` reference, so importing and then
planning shows no changes once that variable holds the key. Live names are untrusted input: a
name that breaks the manifest name rule could reach outside the models folder as a path, so it
is skipped with a warning before any path is built, as are endpoints labelled for another
environment. Overwriting (``--force``) keeps what only the manifest knows: its ``${VAR}``
credentials references, its reconciler-side fields and labels the live endpoint lacks. The
files are written all-or-nothing: if the environment no longer validates, every file is put
back and the validation error raised. The one exception is what only the user can supply and
no API returns (``spec.usage`` and prices, which a budget requires): those errors on imported
files become warnings naming the file and the fix, or import could never onboard an
environment that has a budget.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconciler.engine.apply.connect import open_client
from reconciler.engine.plan.manifest_files import write_manifests
from reconciler.engine.plan.manifest_text import manifest_document, render_manifest, schema_modeline
from reconciler.engine.plan.normalize import comparable, environment_of, is_managed
from reconciler.engine.plan.prepare import last_known_usage
from reconciler.gitops.lock import manifest_lock
from reconciler.gitops.locksettings import DEFAULT_TIMEOUT
from reconciler.gitops.snapshot import read_snapshot
from reconciler.manifests import load_environment, require_known
from reconciler.manifests.refs import is_ref
from reconciler.structs import fields
from reconciler.structs.errors import ConfigError
from reconciler.structs.fields import Restore
from reconciler.structs.identifiers import is_model_name
from reconciler.structs.manifests import RESERVED_LABEL_PREFIX, ModelEndpoint
from reconciler.structs.paths import records_root

OWED_BY_USER = frozenset({"usage-missing", "price-missing"})


@dataclass(frozen=True)
class ImportRequest:
    root: Path
    environment: str
    names: tuple[str, ...] = ()
    force: bool = False
    sandbox: bool = False
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    lock_timeout: float = DEFAULT_TIMEOUT


@dataclass(frozen=True)
class Imported:
    name: str
    path: Path
    variable: str
    managed: bool
    overwritten: bool = False


@dataclass(frozen=True)
class ImportResult:
    written: tuple[Imported, ...]
    warnings: tuple[str, ...] = ()


def key_variable(name: str) -> str:
    """``support-classifier`` -> ``SUPPORT_CLASSIFIER_API_KEY``."""
    return re.sub(r"[^A-Z0-9]", "_", name.upper()) + "_API_KEY"


def manifest_for(
    model: Mapping[str, Any],
    existing: ModelEndpoint | None = None,
    usage: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A ModelEndpoint manifest from a live model (no secret: the API never returns keys)."""
    live = comparable(model)
    name = str(live["name"])
    labels = {
        k: v
        for k, v in (live.get("labels") or {}).items()
        if not k.startswith(RESERVED_LABEL_PREFIX)
    }
    spec: dict[str, Any] = {}
    for entry in fields.model_fields().spec:
        if entry.secrets:  # the API never returns them: a reference to fill in instead
            refs = {key: "${" + key_variable(name) + "}" for key in entry.secrets}
            spec[entry.name] = {**refs, **(live.get(entry.name) or {})}
        elif entry.restore is Restore.LIVE and entry.name in live:
            spec[entry.name] = live[entry.name]
    if usage:
        spec["usage"] = dict(usage)
    if existing is not None:
        _keep_manifest_side(spec, labels, existing)
    return manifest_document(name, labels, spec)


def _keep_manifest_side(
    spec: dict[str, Any], labels: dict[str, str], existing: ModelEndpoint
) -> None:
    """What the live endpoint cannot tell: references, reconciler-side fields, extra labels."""
    refs = {k: v for k, v in (existing.spec.get("credentials") or {}).items() if is_ref(v)}
    spec["credentials"] = {**spec["credentials"], **refs}
    table = fields.model_fields()
    kept = table.restored_from(Restore.MANIFEST) + table.restored_from(Restore.SNAPSHOT)
    spec.update({k: existing.spec[k] for k in kept if k in existing.spec})
    for key, value in existing.labels.items():
        labels.setdefault(key, value)


def run_import(request: ImportRequest) -> ImportResult:
    """Write the manifests, holding the environment's lock so no apply reads them half done."""
    require_known(request.root, [request.environment])
    with manifest_lock(request.root, request.environment, timeout=request.lock_timeout):
        return _import(request)


def _import(request: ImportRequest) -> ImportResult:
    loaded = load_environment(request.root, request.environment)
    sandbox_root = request.root if request.sandbox else None
    with open_client(loaded.config, environ=request.environ, sandbox_root=sandbox_root) as client:
        everything = list(client.list_models())
    live = [m for m in everything if not request.names or m.get("name") in request.names]
    unknown = set(request.names) - {str(m.get("name")) for m in live}
    if unknown:
        raise ConfigError(f"not live in '{request.environment}': {', '.join(sorted(unknown))}")
    chosen, warnings = _importable(live, env=request.environment)
    folder = request.root / "environments" / request.environment / "models"
    targets = [(m, folder / f"{m['name']}.yaml") for m in chosen]
    clashes = [str(p.relative_to(request.root)) for _, p in targets if p.exists()]
    if clashes and not request.force:
        raise ConfigError(
            f"refusing to overwrite {', '.join(clashes)}",
            hint="pass --force to overwrite, or name other models",
        )
    # The API does not know usage; the last snapshot (the sandbox's own with --sandbox)
    # remembers what was applied.
    records = records_root(request.root, sandbox=request.sandbox)
    usage = last_known_usage(read_snapshot(records, request.environment))
    texts: dict[Path, str] = {}
    out = []
    for model, path in targets:
        existing = loaded.model(str(model["name"])) if path.exists() else None
        document = manifest_for(model, existing, usage.get(str(model["name"])))
        previous = path.read_text(encoding="utf-8") if path.exists() else None
        texts[path] = render_manifest(
            document, previous=previous, modeline=schema_modeline(request.root)
        )
        out.append(_imported(model, path, document, overwritten=previous is not None))
    owed = write_manifests(request.root, request.environment, texts, owed=OWED_BY_USER)
    warnings += [f"to do before the next plan: {p.render()}" for p in owed]
    return ImportResult(written=tuple(out), warnings=tuple(warnings))


def _importable(
    live: Sequence[Mapping[str, Any]], *, env: str
) -> tuple[list[Mapping[str, Any]], list[str]]:
    """The models that may become files of ``env``, and a warning for each one skipped."""
    chosen, warnings = [], []
    for model in live:
        name, owner = model.get("name"), environment_of(model)
        if not isinstance(name, str) or not is_model_name(name):
            warnings.append(
                f"skipped live model {_shown(name)}: its name breaks the manifest name rule "
                "(3-64 characters, lowercase letters, digits and '-'), so it cannot be a file "
                "name; rename it in the Gateway to import it"
            )
        elif owner is not None and owner != env:
            warnings.append(
                f"skipped {name}: it is labelled reconcile/environment={owner}, "
                f"so it belongs to '{owner}', not '{env}'"
            )
        elif not is_managed(model):
            warnings.append(
                f"skipped {name}: it is not managed by reconcile, so a manifest for it would "
                "block every plan of this environment; to manage it, add the label "
                "reconcile/managed-by: reconcile to the live endpoint, then import it"
            )
        else:
            chosen.append(model)
    return chosen, warnings


def _imported(
    model: Mapping[str, Any], path: Path, document: Mapping[str, Any], *, overwritten: bool
) -> Imported:
    reference = str(document["spec"]["credentials"]["apiKey"])
    return Imported(
        name=str(model["name"]),
        path=path,
        variable=reference.removeprefix("${").removesuffix("}"),
        managed=is_managed(model),
        overwritten=overwritten,
    )


def _shown(name: Any) -> str:
    """A name from the API as a short, printable Python literal (it may hold anything)."""
    text = repr(name)
    return text if len(text) <= 80 else text[:77] + "..."
