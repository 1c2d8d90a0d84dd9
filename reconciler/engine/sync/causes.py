"""Which pending changes revert an edit made outside git, and holding those back.

A change is drift when the plan says it comes from outside git (the endpoint no longer matches
the last snapshot: ``cause`` drift or both), or when the last thing the audit log says of it
is a MODEL_RECOVERED entry (edited outside git, found and snapshotted by an apply that left it
alone). The second
rule matters because any apply snapshots live state: without it, a drift left alone once
would look like git's work the next round and be reverted without ``selfHeal``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from reconciler.engine.plan.prepare import Prepared
from reconciler.engine.record.recorder import Recorder
from reconciler.gitops.anchor import entries_after
from reconciler.gitops.audit import default_actor
from reconciler.gitops.chain import audit_path
from reconciler.gitops.repo import head_commit
from reconciler.structs.manifests import SyncPolicy
from reconciler.structs.plan import Action, Cause, PlanItem

HELD = "held back: changed outside git and policy.sync.selfHeal is off"
WRITTEN = ("MODEL_CREATED", "MODEL_UPDATED", "MODEL_REPLACED", "MODEL_DELETED", "MODEL_RECOVERED")


def drifted(root: Path, prepared: Prepared) -> set[str]:
    """Names of the plan's pending changes that would revert an edit made outside git: those
    the plan itself says come from outside git (``cause`` drift or both, by the same three-way
    comparison as ``reconcile drift``), and those last recorded as MODEL_RECOVERED."""
    pending = {i.name for i in prepared.plan.pending}
    if not pending:
        return set()
    outside = {i.name for i in prepared.plan.pending if i.cause in (Cause.DRIFT, Cause.BOTH)}
    env = prepared.loaded.config.name
    return outside | (pending & _last_recovered(audit_path(root, env), pending))


def admit(
    root: Path,
    policy: Callable[[Prepared], SyncPolicy],
    *,
    heal_seen: list[str],
    records: Path | None = None,
) -> Callable[[Prepared], Prepared]:
    """The main job's ``admit`` hook for an agent: under the lock, keep git's changes when
    ``auto`` allows them and drift's when ``selfHeal`` does; record DRIFT_DETECTED for each
    drift about to be restored (before its change, so the log reads in the order it happened)."""

    def keep(prepared: Prepared) -> Prepared:
        rules = policy(prepared)
        drift = drifted(root, prepared)
        items = tuple(_verdict(i, rules, drift) for i in prepared.plan.items)
        healed = [i for i in prepared.plan.pending if i.name in drift and rules.heals]
        if healed:
            _record_drift(root, records or root, prepared, healed)
            heal_seen.extend(i.name for i in healed)
        return replace(prepared, plan=replace(prepared.plan, items=items))

    return keep


def _verdict(item: PlanItem, rules: SyncPolicy, drift: set[str]) -> PlanItem:
    if not item.action.writes:
        return item
    allowed = rules.heals if item.name in drift else rules.applies
    if allowed:
        return item
    reason = HELD if item.name in drift else "held back: policy.sync.auto is off"
    return replace(item, action=Action.NOOP, reason=reason)


def _record_drift(root: Path, records: Path, prepared: Prepared, items: Iterable[PlanItem]) -> None:
    """``root``: the checkout, whose git names the actor and commit; ``records``: where the
    log is (the sandbox's own folder for ``sync --sandbox``)."""
    env = prepared.loaded.config.name
    recorder = Recorder(
        audit_path(records, env),
        environment=env,
        actor=default_actor(root),
        git_commit=head_commit(root),
    )
    for item in items:
        fields = ", ".join(c.dotted for c in item.changes) or item.action.value
        result = f"drifted: {fields}; restoring (policy.sync.selfHeal)"
        recorder.record_drift(item.name, item.model_id, item.changes, result)


def _last_recovered(path: Path, names: set[str]) -> set[str]:
    last: dict[str, str] = {}
    for entry in entries_after(path, 0):
        name, action = str(entry.get("model")), str(entry.get("action"))
        if name in names and action in WRITTEN:
            last[name] = action
    return {n for n, a in last.items() if a == "MODEL_RECOVERED"}
