"""The plan as JSON for scripts: ``formatVersion: 1`` and one list per action (CONTRACT 4)."""

from __future__ import annotations

from typing import Any

from reconciler.structs.plan import Action, Plan
from reconciler.structs.redaction import redacted_json

FORMAT_VERSION = 1


def plan_document(plan: Plan) -> dict[str, Any]:
    doc: dict[str, Any] = {"formatVersion": FORMAT_VERSION, "environment": plan.environment}
    doc["summary"] = {a.value: len(plan.by_action(a)) for a in Action}
    for action in Action:
        doc[action.value] = [i.as_dict() for i in plan.by_action(action)]
    doc["blocked"] = [{"name": i.name, "reason": i.blocked} for i in plan.blocked]
    doc["cost"] = plan.cost.as_dict() if plan.cost is not None else None
    doc["warnings"] = list(plan.warnings)
    return doc


def render_json(doc: dict[str, Any]) -> str:
    return redacted_json(doc, indent=2, sort_keys=False, default=str) + "\n"
