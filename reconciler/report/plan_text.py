"""The plan as a person reads it in a terminal: a summary line, then one block per change.

Colour only when writing to a TTY (the caller decides); unchanged models are one line each.
"""

from __future__ import annotations

from reconciler.cost.money import usd
from reconciler.report.cost import render_cost_summary_text
from reconciler.report.values import ORDER, SYMBOLS, counts_line, short, short_pair
from reconciler.structs.plan import Action, Plan, PlanItem

_COLOURS = {
    Action.CREATE: "32",
    Action.UPDATE: "33",
    Action.REPLACE: "35",
    Action.DELETE: "31",
    Action.NOOP: "2",
    Action.UNMANAGED: "36",
}


def render_plan_text(plan: Plan, *, colour: bool = False) -> str:
    lines = [f"Plan for environment '{plan.environment}': {counts_line(plan)}", ""]
    for action in ORDER:
        for item in plan.by_action(action):
            lines.extend(_item(item, colour=colour))
    if plan.cost is not None:
        lines += ["", render_cost_summary_text(plan.cost)]
    for item in plan.blocked:
        lines.append(f"BLOCKED {item.name}: {item.blocked}")
    if plan.warnings:
        lines += ["", *[f"warning: {w}" for w in plan.warnings]]
    if not plan.has_changes and not plan.blocked:
        lines += ["", "No changes. The live endpoints match git."]
    return "\n".join(lines).rstrip() + "\n"


def _item(item: PlanItem, *, colour: bool) -> list[str]:
    head = f"  {SYMBOLS[item.action]:>3} {item.name} ({item.action.value})"
    if item.reason:
        head += f" - {item.reason}"
    if item.blocked:
        head += "  [BLOCKED]"
    if colour:
        head = f"\x1b[{_COLOURS[item.action]}m{head}\x1b[0m"
    out = [head]
    if item.action in (Action.NOOP, Action.UNMANAGED):
        return out
    for change in item.changes:
        if item.action is Action.CREATE:
            out.append(f"        {change.dotted}: {short(change.new)}")
        elif item.action is Action.DELETE:
            out.append(f"        {change.dotted}: {short(change.old)}")
        else:
            old, new = short_pair(change.old, change.new)
            out.append(f"        {change.dotted}: {old} → {new}")
    if item.cost is not None and item.cost.before != item.cost.after:
        out.append(f"        monthly cost: {usd(item.cost.before)} → {usd(item.cost.after)}")
    return out
