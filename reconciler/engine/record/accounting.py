"""Reconciling the audit log against live state at the start of a run.

An entry only counts once it is committed, and a kill -9, or a reply lost on the way back,
can leave the Gateway changed with no committed entry; CI then reruns from a fresh clone that
sees only the committed log. So before any write, each run asks of every managed endpoint:
does the log account for what is live? What the log accounts for is the last snapshot's
models (id -> version), advanced by the entries after the snapshot's anchor: an accepted
create or replace sets version 1, an accepted update adds one, a delete marks the id gone, a
MODEL_RECOVERED entry sets what it found. A live endpoint newer than that, unknown to it, or
gone although it should be there is returned as ``Unaccounted``, for a MODEL_RECOVERED entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.engine.plan.normalize import environment_of, is_managed
from reconciler.gitops.anchor import entries_after
from reconciler.gitops.chain import audit_path
from reconciler.gitops.snapshot import read_snapshot

GONE = 0  # the version of an endpoint the log says was deleted
_FOUND_AT = re.compile(r"^found (?:created )?at version (\d+)")
_INTENT_RUN = re.compile(r"^INTENT \(run ([0-9a-f-]+)\)")
_WRITES = frozenset({"MODEL_CREATED", "MODEL_UPDATED", "MODEL_REPLACED", "MODEL_DELETED"})


@dataclass(frozen=True)
class Unaccounted:
    """One live change with no entry of its own."""

    name: str
    model_id: str
    found: str  # "created", "changed" or "deleted"
    version: int | None
    accounted: int | None
    status: str | None
    when: str | None

    def describe(self, cause: str) -> str:
        """The entry's ``result``; its first words are read back by ``accounted_versions``."""
        if self.found == "deleted":
            return f"found deleted (the log accounted for version {self.accounted}); {cause}"
        created = "created " if self.found == "created" else ""
        before = f", the log accounted for version {self.accounted}" if self.accounted else ""
        return (
            f"found {created}at version {self.version} ({self.status}){before}; "
            f"last modified {self.when or 'at an unknown time'}; {cause}"
        )


def unaccounted_changes(
    root: Path, env: str, live: Iterable[Mapping[str, Any]]
) -> list[Unaccounted]:
    """Live changes to ``env``'s managed endpoints that the log does not account for."""
    known = accounted_versions(root, env)
    present = {str(m.get("id")): m for m in live if _ours(m, env) and m.get("status") != "DELETING"}
    found = [_check(model, known.get(model_id)) for model_id, model in sorted(present.items())]
    for model_id, (name, version) in sorted(known.items()):
        if version != GONE and model_id not in present:
            found.append(Unaccounted(name, model_id, "deleted", None, version, None, None))
    return [u for u in found if u is not None]


def accounted_versions(root: Path, env: str) -> dict[str, tuple[str, int | None]]:
    """id -> (name, version) as the snapshot and the entries after its anchor account for it;
    a version of None means present at a version no entry states (an older log)."""
    snapshot = read_snapshot(root, env)
    known: dict[str, tuple[str, int | None]] = {}
    start = 0
    if snapshot is not None:
        for model in snapshot.models:
            known[str(model.get("id"))] = (str(model.get("name")), _int(model.get("version")))
        start = snapshot.audit_head.entries if snapshot.audit_head else 0
    for entry in entries_after(audit_path(root, env), start):
        _advance(known, entry)
    return known


def interrupted_runs(root: Path, env: str) -> list[str]:
    """Runs that announced writes in the local log after the last snapshot and never closed
    (no CONFIG_SYNC of theirs): what a crash on this machine leaves behind."""
    snapshot = read_snapshot(root, env)
    start = snapshot.audit_head.entries if snapshot and snapshot.audit_head else 0
    announced: dict[str, str] = {}
    closed: set[str] = set()
    for entry in entries_after(audit_path(root, env), start):
        match = _INTENT_RUN.match(str(entry.get("result", "")))
        if match:
            announced.setdefault(match.group(1), str(entry.get("actor")))
        if entry.get("action") == "CONFIG_SYNC":
            closed.add(str(entry.get("correlationId")))
    return [f"run {run} by {actor}" for run, actor in announced.items() if run not in closed]


def snapshot_behind(root: Path, env: str) -> bool:
    """Whether the log records changes after the snapshot's anchor that no snapshot shows: a
    run that died after its writes were accepted (or after its CONFIG_SYNC) and before its
    snapshot. The rerun writes the snapshot, or ``drift`` reads those models as changed
    outside git."""
    snapshot = read_snapshot(root, env)
    start = snapshot.audit_head.entries if snapshot and snapshot.audit_head else 0
    return any(_changes_state(entry) for entry in entries_after(audit_path(root, env), start))


def _changes_state(entry: Mapping[str, Any]) -> bool:
    action, result = entry.get("action"), str(entry.get("result", ""))
    if action in ("CONFIG_SYNC", "MODEL_RECOVERED"):
        return True
    return action in _WRITES and result.startswith("ACCEPTED")


def cause_of(interrupted: Sequence[str]) -> str:
    """What is known about why a change has no entry."""
    if interrupted:
        return "interrupted before recording it: " + "; ".join(interrupted)
    return "no interrupted run is known: changed outside the reconciler, or its record was lost"


def _advance(known: dict[str, tuple[str, int | None]], entry: Mapping[str, Any]) -> None:
    action, result = entry.get("action"), str(entry.get("result", ""))
    model_id, name = entry.get("modelId"), str(entry.get("model", ""))
    if not isinstance(model_id, str) or result.startswith("INTENT"):
        return
    if action == "MODEL_RECOVERED":
        match = _FOUND_AT.match(result)
        known[model_id] = (name, int(match.group(1)) if match else GONE)
    elif action in ("MODEL_CREATED", "MODEL_REPLACED") and result.startswith("ACCEPTED"):
        known[model_id] = (name, 1)
    elif action == "MODEL_UPDATED" and result.startswith("ACCEPTED"):
        version = known.get(model_id, (name, None))[1]
        known[model_id] = (name, version + 1 if version else None)
    elif action == "MODEL_DELETED" and result.startswith("ACCEPTED"):
        known[model_id] = (name, GONE)


def _check(model: Mapping[str, Any], known: tuple[str, int | None] | None) -> Unaccounted | None:
    version = _int(model.get("version"))
    accounted = known[1] if known else None
    if known is not None and (accounted is None or (version or 0) <= accounted):
        return None
    return Unaccounted(
        name=str(model.get("name")),
        model_id=str(model.get("id")),
        found="created" if known is None or accounted == GONE else "changed",
        version=version,
        accounted=accounted if known else None,
        status=str(model.get("status")) if model.get("status") else None,
        when=str(model.get("dateModified") or model.get("dateCreated") or "") or None,
    )


def _ours(model: Mapping[str, Any], env: str) -> bool:
    return is_managed(model) and environment_of(model) in (None, env)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
