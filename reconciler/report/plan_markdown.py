"""The plan as a pull-request comment: summary first, details folded, secrets never shown."""

from __future__ import annotations

from reconciler.cost.money import usd
from reconciler.report.cost import render_cost_summary_markdown
from reconciler.report.values import ORDER, SYMBOLS, counts_line, short
from reconciler.structs.plan import Action, Plan, PlanItem


def render_plan_markdown(plan: Plan, *, title: str = "reconcile plan") -> str:
    lines = [f"### {title}: `{plan.environment}`", "", f"**{counts_line(plan)}**", ""]
    if plan.cost is not None:
        lines += [render_cost_summary_markdown(plan.cost), ""]
    if plan.blocked:
        lines += ["> [!CAUTION]", "> Blocked by policy:"]
        lines += [f"> - `{i.name}`: {i.blocked}" for i in plan.blocked]
        lines.append("")
    changed = [i for a in ORDER for i in plan.by_action(a) if a is not Action.NOOP]
    if changed:
        lines += ["| | model | action | monthly cost |", "|---|---|---|---|"]
        lines += [_row(i) for i in changed]
        lines.append("")
        lines += ["<details><summary>Field changes</summary>", ""]
        for item in changed:
            if item.changes:
                lines += _details(item)
        lines += ["</details>", ""]
    else:
        lines += ["No changes: the live endpoints match git.", ""]
    if plan.warnings:
        lines += ["<details><summary>Warnings</summary>", ""]
        lines += [f"- {w}" for w in plan.warnings] + ["", "</details>", ""]
    return "\n".join(lines)


def _row(item: PlanItem) -> str:
    if item.action is Action.UNMANAGED:
        note = item.blocked or item.reason or "not managed by reconcile; never changed"
        return f"| | `{item.name}` | unmanaged: {note} | |"
    cost = ""
    if item.cost is not None:
        cost = f"{usd(item.cost.before)} → {usd(item.cost.after)}"
    blocked = " (blocked)" if item.blocked else ""
    return f"| `{SYMBOLS[item.action]}` | `{item.name}` | {item.action.value}{blocked} | {cost} |"


def _details(item: PlanItem) -> list[str]:
    out = [f"**{item.name}** ({item.action.value})", "", "```diff"]
    for change in item.changes:
        if change.old is not None:
            out.append(f"- {change.dotted}: {short(change.old, 100)}")
        if change.new is not None:
            out.append(f"+ {change.dotted}: {short(change.new, 100)}")
    out += ["```", ""]
    return out
