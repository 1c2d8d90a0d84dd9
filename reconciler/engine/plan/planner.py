"""Compute the plan: desired manifests against live models, matched by name.

Pure: no I/O. The caller lists live models (paged) and resolves secrets first, so the same
function serves the dry run, the apply and the benchmarks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from reconciler.engine.plan.diff import field_changes
from reconciler.engine.plan.normalize import comparable, environment_of, is_managed
from reconciler.structs.diffs import FieldChange, change
from reconciler.structs.manifests import Policy
from reconciler.structs.plan import Action, Plan, PlanItem

IN_PROGRESS = ("PROVISIONING", "UPDATING")


@dataclass(frozen=True)
class Desired:
    """One model as it should be. ``body`` holds the resolved key: it is sent, never stored
    in the plan (which keeps only the comparable, key-free form)."""

    name: str
    body: Mapping[str, Any]


def compute_plan(
    *,
    environment: str,
    desired: Iterable[Desired],
    live: Iterable[Mapping[str, Any]],
    policy: Policy,
    prune: bool,
) -> Plan:
    """One PlanItem per name seen in git or live, sorted by name.

    A live endpoint that is DELETING counts as gone: it is never updated, and a manifest of
    the same name is created once the old one has disappeared.
    """
    everything = list(live)
    deleting = {
        str(m.get("name")): str(m.get("id")) for m in everything if m.get("status") == "DELETING"
    }
    live_by_name = {str(m.get("name")): m for m in everything if str(m.get("name")) not in deleting}
    items: list[PlanItem] = []
    wanted = {d.name: d for d in desired}
    for name in sorted(set(wanted) | set(live_by_name)):
        want, have = wanted.get(name), live_by_name.get(name)
        if want is not None and name in deleting:
            item = _present_in_git(want, None, environment=environment, policy=policy)
            items.append(
                replace(
                    item,
                    model_id=deleting[name],
                    reason="created once the endpoint being deleted is gone",
                )
            )
        elif want is None and have is not None:
            items.append(
                _absent_from_git(have, environment=environment, policy=policy, prune=prune)
            )
        elif want is not None:
            items.append(_present_in_git(want, have, environment=environment, policy=policy))
    return Plan(environment=environment, items=tuple(items))


def _present_in_git(
    want: Desired, have: Mapping[str, Any] | None, *, environment: str, policy: Policy
) -> PlanItem:
    desired = comparable(want.body)
    if have is None:
        return PlanItem(
            name=want.name,
            action=Action.CREATE,
            desired=desired,
            changes=field_changes({}, {k: v for k, v in desired.items() if k != "name"}),
        )
    model_id, version = str(have.get("id")), _int(have.get("version"))
    if not is_managed(have):
        return PlanItem(
            name=want.name,
            action=Action.UNMANAGED,
            model_id=model_id,
            blocked=f"a live endpoint named '{want.name}' exists but is not managed "
            "by reconcile; add the label reconcile/managed-by: reconcile to adopt it, "
            "or rename the manifest",
        )
    owner = environment_of(have)
    if owner not in (None, environment):
        return PlanItem(
            name=want.name,
            action=Action.UNMANAGED,
            model_id=model_id,
            blocked=f"'{want.name}' is managed by environment '{owner}'",
        )
    changes = field_changes(comparable(have), desired)

    def item(
        action: Action,
        found: tuple[FieldChange, ...],
        *,
        reason: str | None = None,
        blocked: str | None = None,
    ) -> PlanItem:
        return PlanItem(
            name=want.name,
            action=action,
            changes=found,
            model_id=model_id,
            desired=desired,
            live_version=version,
            reason=reason,
            blocked=blocked,
        )

    if have.get("provider") != want.body.get("provider"):
        blocked = None
        if want.name in policy.protected:
            blocked = (
                f"'{want.name}' is protected by policy.protected; a provider change "
                "needs a replace (delete, then create)"
            )
        return item(
            Action.REPLACE, changes, blocked=blocked, reason="provider cannot change in place"
        )
    status = str(have.get("status", ""))
    if status == "FAILED":
        failed = (change(("status",), "FAILED", "ACTIVE"),)
        return item(Action.UPDATE, changes + failed, reason="live endpoint is FAILED; re-applying")
    if changes:
        return item(Action.UPDATE, changes)
    if status in IN_PROGRESS:
        return replace(item(Action.NOOP, (), reason=f"still {status}"), in_progress=True)
    return item(Action.NOOP, ())


def _absent_from_git(
    have: Mapping[str, Any], *, environment: str, policy: Policy, prune: bool
) -> PlanItem:
    name, model_id = str(have.get("name")), str(have.get("id"))
    if not is_managed(have):
        return PlanItem(name=name, action=Action.UNMANAGED, model_id=model_id)
    owner = environment_of(have)
    if owner not in (None, environment):
        return PlanItem(
            name=name,
            action=Action.UNMANAGED,
            model_id=model_id,
            reason=f"managed by environment '{owner}'",
        )
    blocked = None
    if not (prune and policy.prune):
        missing = [
            w for w, ok in (("--prune", prune), ("policy.prune: true", policy.prune)) if not ok
        ]
        blocked = f"deleting needs {' and '.join(missing)}"
    changes = field_changes(comparable(have), {})
    return PlanItem(
        name=name,
        action=Action.DELETE,
        model_id=model_id,
        blocked=blocked,
        changes=changes,
        live_version=_int(have.get("version")),
    )


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
