"""Three-way drift: desired (git) vs last applied (snapshot) vs live.

Two comparisons answer two questions. Snapshot vs live: did someone change the Gateway outside
git (drifted, missing)? Git vs snapshot: is there work git has that was never applied
(pending)? Without a snapshot the second question cannot be told apart from the first, so git
vs live differences are reported as pending with a note.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from reconciler.engine.plan.diff import field_changes
from reconciler.engine.plan.normalize import comparable, environment_of, is_managed
from reconciler.engine.plan.planner import Desired
from reconciler.structs.diffs import FieldChange
from reconciler.structs.drift import DriftItem, DriftKind, DriftReport
from reconciler.structs.plan import Cause, Plan
from reconciler.structs.redaction import redact_value

HealthOf = Callable[[Mapping[str, Any]], str | None]


def compute_drift(
    *,
    environment: str,
    desired: list[Desired],
    snapshot: Sequence[Mapping[str, Any]] | None,
    live: Sequence[Mapping[str, Any]],
    snapshot_serial: int | None,
    health: HealthOf = lambda _live: None,
) -> DriftReport:
    """``health`` says what is wrong with a managed live endpoint (None: nothing)."""
    want = {d.name: comparable(d.body) for d in desired}
    last = {str(m.get("name")): m for m in snapshot} if snapshot is not None else None
    here = {str(m.get("name")): m for m in live if m.get("status") != "DELETING"}
    items = []
    for name in sorted(set(want) | set(here) | set(last or {})):
        item = _classify(name, want.get(name), last, here.get(name), environment)
        if item is not None:
            items.append(_unless_unhealthy(item, here.get(name), health))
    return DriftReport(environment=environment, items=tuple(items), snapshot_serial=snapshot_serial)


def _classify(
    name: str,
    want: dict[str, Any] | None,
    last: dict[str, Mapping[str, Any]] | None,
    live: Mapping[str, Any] | None,
    environment: str,
) -> DriftItem | None:
    model_id = str(live.get("id")) if live is not None else None
    if live is not None and not is_managed(live):
        return DriftItem(name, DriftKind.UNMANAGED, model_id=model_id)
    if live is not None and environment_of(live) not in (None, environment):
        return None
    if last is None:
        return _without_snapshot(name, want, live, model_id)
    applied = last.get(name)
    if applied is not None and live is None:
        return DriftItem(
            name, DriftKind.MISSING, model_id=str(applied.get("id")), note="deleted outside git"
        )
    outside = live_changes(applied, live)
    if outside:
        note = "created outside git" if applied is None else None
        return DriftItem(name, DriftKind.DRIFTED, outside, model_id, note=note)
    pending = git_changes(applied, want)
    if pending:
        return DriftItem(
            name, DriftKind.PENDING, pending, model_id, note=None if want else "removed from git"
        )
    return DriftItem(name, DriftKind.IN_SYNC, model_id=model_id)


def live_changes(
    applied: Mapping[str, Any] | None, live: Mapping[str, Any] | None
) -> tuple[FieldChange, ...]:
    """Snapshot vs live: what changed outside git since the last apply (``old`` as applied,
    ``new`` as live; a model created or deleted outside git is all adds or all removes)."""
    if applied is None and live is None:
        return ()
    before = comparable(applied) if applied is not None else {}
    return field_changes(before, as_recorded(comparable(live) if live is not None else {}))


def git_changes(
    applied: Mapping[str, Any] | None, want: Mapping[str, Any] | None
) -> tuple[FieldChange, ...]:
    """Snapshot vs git: what the manifests changed since the last apply."""
    before = comparable(applied) if applied is not None else {}
    return field_changes(before, as_recorded(dict(want or {})))


def as_recorded(model: dict[str, Any]) -> dict[str, Any]:
    """``model`` as the snapshot would hold it: redacted. The snapshot never holds a secret,
    so a field that repeats one (a description, a property name) reads ``[redacted]`` there
    and the secret itself in git and live; compared as they are, such a model was "changed
    outside git" after every apply."""
    redacted: dict[str, Any] = redact_value(model)
    return redacted


def with_causes(
    plan: Plan,
    *,
    desired: Sequence[Desired],
    snapshot: Sequence[Mapping[str, Any]] | None,
    live: Sequence[Mapping[str, Any]],
) -> Plan:
    """Each pending change with its ``cause``, by the comparisons ``compute_drift`` makes.
    Without a snapshot nothing tells a change outside git from one in git: ``git``."""
    pending = {i.name for i in plan.pending}
    if not pending:  # an in-sync plan of 1,000 models compares nothing more
        return plan
    want = {d.name: comparable(d.body) for d in desired if d.name in pending}
    last = {str(m.get("name")): m for m in snapshot or ()}
    here = {str(m.get("name")): m for m in live if m.get("status") != "DELETING"}
    items = []
    for item in plan.items:
        if not item.action.writes:
            items.append(item)
            continue
        if snapshot is None:
            items.append(replace(item, cause=Cause.GIT))
            continue
        applied = last.get(item.name)
        outside = live_changes(applied, here.get(item.name))
        from_git = bool(git_changes(applied, want.get(item.name)))
        cause = Cause.BOTH if outside and from_git else Cause.GIT if from_git else Cause.DRIFT
        items.append(replace(item, cause=cause, live_changes=outside))
    return replace(plan, items=tuple(items))


def _without_snapshot(
    name: str, want: dict[str, Any] | None, live: Mapping[str, Any] | None, model_id: str | None
) -> DriftItem:
    changes = field_changes(comparable(live) if live is not None else {}, want or {})
    if not changes:
        return DriftItem(name, DriftKind.IN_SYNC, model_id=model_id)
    return DriftItem(
        name, DriftKind.PENDING, changes, model_id, note="no snapshot yet: git and live differ"
    )


def _unless_unhealthy(
    item: DriftItem,
    live: Mapping[str, Any] | None,
    health: Callable[[Mapping[str, Any]], str | None],
) -> DriftItem:
    if live is None or item.kind is DriftKind.UNMANAGED:
        return item
    problem = health(live)
    if problem is None:
        return item
    return DriftItem(item.name, DriftKind.UNHEALTHY, item.changes, item.model_id, note=problem)


def status_problem(live: Mapping[str, Any], *, now: datetime, timeout: float) -> str | None:
    """What the live status says is wrong: FAILED, or in progress for longer than ``timeout``."""
    status = str(live.get("status", ""))
    if status == "FAILED":
        reason = live.get("errorReason")
        return "live endpoint is FAILED" + (f": {reason}" if reason else "")
    if status not in ("PROVISIONING", "UPDATING"):
        return None
    since = _parse_time(live.get("dateModified"))
    if since is None or (now - since).total_seconds() <= timeout:
        return None
    return (
        f"still {status} after {(now - since).total_seconds():.0f}s, past the "
        f"{timeout:.0f}s provisionTimeoutSeconds"
    )


def _parse_time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
