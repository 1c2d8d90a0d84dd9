"""Attach projected monthly cost to a plan: per model before and after, and the budget verdict.

"Before" prices what is live (its provider and modelId) at the usage the manifest declares;
"after" prices the manifest. A model git no longer has is priced at the usage recorded in the
last snapshot, so a delete shows what it saves; without one its before cost is "not priced",
never a silent zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from reconciler.cost.budget import evaluate_budget
from reconciler.cost.pricing import monthly_cost
from reconciler.structs.manifests import LoadedEnvironment
from reconciler.structs.plan import Action, CostLine, Plan, PlanItem


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
    for item in plan.items:
        if item.action is Action.UNMANAGED:
            items.append(item)
            continue
        line = _cost_line(
            item, loaded=loaded, live=live_by_name.get(item.name), usage=last_usage.get(item.name)
        )
        items.append(replace(item, cost=line))
        lines.append((item.name, line.before, line.after))
    summary = evaluate_budget(budget=loaded.config.budget, lines=lines)
    return replace(plan, items=tuple(items), cost=summary)


def _cost_line(
    item: PlanItem, *, loaded: LoadedEnvironment, live: Mapping[str, Any] | None, usage: Any
) -> CostLine:
    manifest = loaded.model(item.name)
    usage = manifest.spec.get("usage") if manifest else usage
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
            usage=usage,
            pricing=pricing if same_model else None,
        )
    elif item.action is Action.CREATE:
        before = Decimal(0)
    if item.action is Action.DELETE:
        after = Decimal(0)
    return CostLine(before=before, after=after)
