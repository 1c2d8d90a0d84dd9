"""The views people open first: an environment's models at a glance, one model as the form
edits it, the audit history and the projected cost over the environment's git history.

Git is the record of what was asked for (the served branch's tip: manifests, who changed them
and when), the Gateway of what is live (state and version), and the audit log of what the
applies did. Each view reads only those, through the same loaders and cost projection as the
CLI, so the page cannot show a model or a cost the CLI would not.
"""

from __future__ import annotations

import itertools
import json
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from reconciler.cost.catalogue import known_models, lookup
from reconciler.cost.projection import project_environment
from reconciler.engine.plan.normalize import environment_of, is_managed, redacted
from reconciler.gitops.chain import audit_path, newest_lines
from reconciler.manifests.checking import MODELS_DIR, check_environment
from reconciler.manifests.loader import loaded_from
from reconciler.manifests.reading import FileRejected
from reconciler.manifests.yamltree import parse_yaml
from reconciler.serve.branches import Served, file_at, read_folder
from reconciler.serve.connections import Connections
from reconciler.serve.errors import ApiError
from reconciler.structs.errors import ReconcileError
from reconciler.structs.manifests import LoadedEnvironment
from reconciler.structs.paths import MANIFEST_SUFFIXES
from reconciler.structs.problems import ValidationFailed

COST_POINTS = 30  # the newest snapshots the cost chart goes back over
_SEP, _REC = "\x00", "\x01"
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Change:
    """The last commit that touched a file: what ``lastChange`` and ``baseCommit`` mean."""

    commit: str
    time: str
    actor: str

    def as_dict(self) -> dict[str, str]:
        return {"commit": self.commit, "time": self.time, "actor": self.actor}


def models_folder(served: Served, env: str) -> str:
    return served.path("environments", env, MODELS_DIR)


def manifest_path(served: Served, env: str, name: str) -> str:
    return f"{models_folder(served, env)}/{name}.yaml"


def last_changes(served: Served, env: str, *, path: str | None = None) -> dict[str, Change]:
    """The newest commit of the served branch touching each manifest (by model name), in one
    ``git log`` over the models folder, or over ``path`` alone."""
    where = path or models_folder(served, env)
    fmt = "--format=%x01%H%x00%aI%x00%an"
    text = served.repo.text("log", fmt, "--name-only", served.branch, "--", where)
    found: dict[str, Change] = {}
    for record in text.split(_REC)[1:]:
        head, _, names = record.partition("\n")
        commit, time, actor = [*head.split(_SEP), "", "", ""][:3]
        for name in names.split():
            stem = Path(name).stem if name.endswith(MANIFEST_SUFFIXES) else None
            if stem and stem not in found:
                found[stem] = Change(commit, time, actor)
    return found


def _loaded(connections: Connections, env: str) -> LoadedEnvironment | None:
    try:
        return connections.environment(env)
    except (ValidationFailed, ReconcileError):
        return None


def _live(connections: Connections, loaded: LoadedEnvironment | None) -> list[dict[str, Any]]:
    if loaded is None:
        return []
    client = connections.client(loaded.config)
    return [m for m in client.list_models() if m.get("status") != "DELETING"]


def _live_summary(record: dict[str, Any]) -> dict[str, Any]:
    return {"id": record.get("id"), "state": record.get("status"), "version": record.get("version")}


def models(connections: Connections, served: Served, env: str) -> dict[str, Any]:
    """One row per model in git or live: status in git and on the Gateway, cost, last change;
    live endpoints this tool does not manage are listed apart."""
    loaded = _loaded(connections, env)
    live = _live(connections, loaded)
    changes = last_changes(served, env)
    costs = {m.name: m.monthly for m in project_environment(loaded).models} if loaded else {}
    in_git = set(m.name for m in loaded.models) if loaded else set(changes)
    mine = {
        str(m.get("name")): m for m in live if is_managed(m) and environment_of(m) in (None, env)
    }
    rows = []
    for name in sorted(in_git | set(mine)):
        change = changes.get(name)
        cost = costs.get(name)
        rows.append(
            {
                "name": name,
                "inGit": name in in_git,
                "live": _live_summary(mine[name]) if name in mine else None,
                "costUsd": None if cost is None else str(cost.quantize(_CENT)),
                "lastChange": change.as_dict() if change else None,
            }
        )
    unmanaged = [{"name": m.get("name"), **_live_summary(m)} for m in live if not is_managed(m)]
    return {
        "env": env,
        "valid": loaded is not None,
        "models": rows,
        "unmanaged": unmanaged,
        "keyRefs": _key_refs(loaded),
    }


def _key_refs(loaded: LoadedEnvironment | None) -> dict[str, str]:
    """Per provider, the ``${VAR}`` reference this environment's models already use for their
    API key: what a new model of that provider starts from, since the service accepts only
    references that ``policy.serveSecrets`` allows (by default, exactly these)."""
    refs: dict[str, str] = {}
    for model in loaded.models if loaded else ():
        provider = model.spec.get("provider")
        key = (model.spec.get("credentials") or {}).get("apiKey")
        if isinstance(provider, str) and isinstance(key, str):
            refs.setdefault(provider, key)
    return refs


def model(connections: Connections, served: Served, env: str, name: str) -> dict[str, Any]:
    """What the form edits: the manifest as committed on the served branch, the commit that
    last changed it (sent back as ``baseCommit``) and its live record."""
    path = manifest_path(served, env, name)
    text = file_at(served, served.tip(), path)
    loaded = _loaded(connections, env)
    live = next(
        (m for m in _live(connections, loaded) if m.get("name") == name and is_managed(m)), None
    )
    if text is None and live is None:
        raise ApiError(404, "not-found", f"no model '{name}' in environment '{env}'")
    manifest = None
    if text is not None:
        try:
            manifest = parse_yaml(text, source=path).data
        except FileRejected as exc:
            raise ApiError(
                422, "unreadable", f"{path} cannot be read: {exc.problem.message}"
            ) from exc
    change = last_changes(served, env, path=path).get(name) if text is not None else None
    return {
        "env": env,
        "name": name,
        "file": path if text is not None else None,
        "manifest": manifest,
        "commit": change.commit if change else None,
        "lastChange": change.as_dict() if change else None,
        "live": redacted(live) if live is not None else None,
    }


def history(
    records: Path, env: str, *, limit: int, before: str | None, model: str | None
) -> dict[str, Any]:
    """Audit entries newest first from the log under ``records`` (the records root);
    ``before`` is the ``auditId`` the previous page ended at. The log is read from its end and
    only as far as the page needs (``newest_lines``): it grows by every change applied."""
    path = audit_path(records, env)
    if path.is_symlink():
        raise ApiError(409, "unreadable", f"state/{env}/audit.jsonl is a symlink; not read")
    try:
        with path.open("rb") as handle:
            page = _page(_entries(handle, model), limit=limit + 1, before=before)
    except FileNotFoundError:
        page = [] if before is None else None
    if page is None:
        raise ApiError(404, "not-found", f"before: no audit entry '{before}' in '{env}'")
    more = len(page) > limit
    page = page[:limit]
    return {
        "env": env,
        "entries": page,
        "next": page[-1].get("auditId") if more and page else None,
    }


def _entries(handle: IO[bytes], model: str | None) -> Iterator[dict[str, Any]]:
    """The log's entries newest first, of ``model`` only when given."""
    for line in newest_lines(handle):
        try:
            entry = json.loads(line.decode("utf-8"))
        except ValueError:
            continue  # a torn last line or a damaged one: 'reconcile audit verify' names it
        if isinstance(entry, dict) and (model is None or entry.get("model") == model):
            yield entry


def _page(
    entries: Iterator[dict[str, Any]], *, limit: int, before: str | None
) -> list[dict[str, Any]] | None:
    """Up to ``limit`` entries after the one called ``before`` (from the first without it);
    None when there is no such entry."""
    if before is not None:
        for entry in entries:
            if entry.get("auditId") == before:
                break
        else:
            return None
    return list(itertools.islice(entries, limit))


class CostHistory:
    """The projected monthly cost of the manifests of each committed snapshot; a commit's
    figure never changes, so each is computed once per service, and kept while the snapshot
    is among the ``COST_POINTS`` newest (kept for ever, they grew with every apply)."""

    def __init__(self) -> None:
        self._totals: dict[tuple[str, str], str | None] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many figures are kept."""
        return len(self._totals)

    def points(self, connections: Connections, served: Served, env: str) -> dict[str, Any]:
        snapshot = served.path("state", env, "snapshot.json")
        fmt = "--format=%H%x00%cI"
        text = served.repo.text("log", fmt, f"-n{COST_POINTS}", served.branch, "--", snapshot)
        points = []
        window = [line.partition(_SEP) for line in reversed(text.splitlines())]
        for commit, _, time in window:
            total = self._total(served, env, commit)
            if total is not None:
                points.append({"commit": commit, "time": time, "totalUsd": total})
        self._keep(env, {commit for commit, _, _ in window})
        loaded = _loaded(connections, env)
        budget = loaded.config.budget if loaded else None
        limit = budget.monthly_usd if budget else None
        return {
            "env": env,
            "budgetUsd": None if limit is None else str(limit.quantize(_CENT)),
            "points": points,
        }

    def _keep(self, env: str, commits: set[str]) -> None:
        """Forget ``env``'s figures of snapshots no longer in the window."""
        with self._lock:
            for key in [k for k in self._totals if k[0] == env and k[1] not in commits]:
                del self._totals[key]

    def _total(self, served: Served, env: str, commit: str) -> str | None:
        key = (env, commit)
        with self._lock:
            if key in self._totals:
                return self._totals[key]
        total = _total_at(served, env, commit)
        with self._lock:
            self._totals[key] = total
        return total


def _total_at(served: Served, env: str, commit: str) -> str | None:
    """The environment's projected monthly cost as its manifests stood at ``commit``; None
    when they did not load there."""
    folder = served.path("environments", env)
    with tempfile.TemporaryDirectory(prefix="reconcile-serve-") as temp:
        top = Path(temp)
        read_folder(served, commit, folder, top)
        root = top / Path(folder).parent.parent
        checked = check_environment(root, env)
        try:
            loaded = loaded_from(checked, root)
        except (ValidationFailed, ReconcileError):
            return None
        return str(project_environment(loaded).total.quantize(_CENT))


def catalogue(providers: tuple[str, ...]) -> dict[str, Any]:
    """The shipped price catalogue by provider, per million tokens as people quote prices:
    the form's model picker shows each model with its price."""
    million = Decimal(1_000_000)
    out: dict[str, list[dict[str, Any]]] = {}
    for provider in providers:
        rows = out.setdefault(provider, [])
        for model_id in known_models(provider):
            entry = lookup(provider, model_id)
            if entry is None:
                continue
            rows.append(
                {
                    "modelId": model_id,
                    "inputUsdPer1M": _per_million(entry.input_per_token * million),
                    "outputUsdPer1M": _per_million(entry.output_per_token * million),
                    "maxOutputTokens": entry.max_output_tokens,
                }
            )
    return {"providers": out}


def _per_million(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text
