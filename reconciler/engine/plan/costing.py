"""Attach projected monthly cost to a plan: per model before and after, and the budget verdict.

"Before" prices what is live (its provider and modelId) at the usage recorded in the last
snapshot, which is what was last applied; "after" prices the manifest at git's usage. Pricing
"before" with git's usage would make a usage-only change (2,000 to 200,000 requests a day)
cost nothing and pass a budget it breaks. So a usage change is a change of the plan: shown,
priced, budget-gated, and a dry run exits 2; applying it sends nothing to the API (usage is
the reconciler's own field) and records the new usage in the snapshot. Without a snapshot the
manifest's usage is the only figure known, and it prices both sides. A model git no longer
has is priced at the snapshot's usage, so a delete shows what it saves; without one its
before cost is "not priced", never a silent zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from reconciler.cost.budget import evaluate_budget
from reconciler.cost.pricing import monthly_cost
from reconciler.engine.plan.diff import field_changes
from reconciler.structs.manifests import LoadedEnvironment, ModelEndpoint
from reconciler.structs.plan import Action, CostLine, Plan, PlanItem

USAGE = "usage"


def price_plan(
    plan: Plan,
    *,
    loaded: LoadedEnvironment,
    live: Iterable[Mapping[str, Any]],
    last_usage: Mapping[str, Any] | None = None,
) -> Plan:
    live_by_name = {str(m.get("name")): m for m in live}
    last_usage = last_usage or {}
    items, lines = [], []
    for planned in plan.items:
        if planned.action is Action.UNMANAGED:
            items.append(planned)
            continue
        manifest = loaded.model(planned.name)
        item = _with_usage_change(planned, manifest, last_usage.get(planned.name))
        line = _cost_line(
            item,
            manifest=manifest,
            live=live_by_name.get(item.name),
            last_usage=last_usage.get(item.name),
        )
        items.append(replace(item, cost=line))
        lines.append((item.name, line.before, line.after))
    summary = evaluate_budget(budget=loaded.config.budget, lines=lines)
    return replace(plan, items=tuple(items), cost=summary)


def _with_usage_change(item: PlanItem, manifest: ModelEndpoint | None, last: Any) -> PlanItem:
    """A model whose usage differs from the last applied one carries that change; a noop
    becomes an update that only the reconciler's side sees (``local_only``)."""
    if manifest is None or not last or item.action not in (Action.NOOP, Action.UPDATE):
        return item
    found = field_changes({USAGE: last}, {USAGE: manifest.spec.get(USAGE) or {}})
    if not found:
        return item
    changes = tuple(sorted(item.changes + found, key=lambda c: [str(k) for k in c.path]))
    if item.action is Action.UPDATE:
        return replace(item, changes=changes)
    return replace(
        item,
        action=Action.UPDATE,
        changes=changes,
        local_only=True,
        in_progress=False,
        reason="usage changed: priced and recorded, nothing is sent to the API",
    )


def _cost_line(
    item: PlanItem,
    *,
    manifest: ModelEndpoint | None,
    live: Mapping[str, Any] | None,
    last_usage: Any,
) -> CostLine:
    usage = manifest.spec.get(USAGE) if manifest else last_usage
    pricing = manifest.spec.get("pricing") if manifest else None
    after: Decimal | None = None
    if manifest is not None:
        after = monthly_cost(
            provider=manifest.provider, model_id=manifest.model_id, usage=usage, pricing=pricing
        )
    before: Decimal | None = None
    if live is not None and item.action is not Action.CREATE:
        same_model = manifest is not None and live.get("modelId") == manifest.model_id
        before = monthly_cost(
            provider=str(live.get("provider", "")),
            model_id=str(live.get("modelId", "")),
            usage=last_usage or usage,
            pricing=pricing if same_model else None,
        )
    elif item.action is Action.CREATE:
        before = Decimal(0)
    if item.action is Action.DELETE:
        after = Decimal(0)
    return CostLine(before=before, after=after)
