"""The plan as a pull-request comment: summary first, details folded, secrets never shown.

Every allowed delete or replace is called out above the table (a reviewer skimming must not
miss one); every change is in a ``diff`` block, long values as line diffs, never cut. The
comment ends with the commit it describes, the run that made it and the time.
"""

from __future__ import annotations

from reconciler.cost.money import usd
from reconciler.report.changes import fenced, markdown_diff
from reconciler.report.cost import render_cost_summary_markdown
from reconciler.report.markdown import code, text
from reconciler.report.plan_causes import git_items, markdown_section, markdown_warning
from reconciler.report.values import ORDER, SYMBOLS, counts_line
from reconciler.structs.plan import Action, Plan, PlanItem
from reconciler.structs.stamp import Stamp


def render_plan_markdown(
    plan: Plan, *, title: str = "reconcile plan", stamp: Stamp | None = None
) -> str:
    lines = markdown_warning(plan)
    lines += [f"### {title}: {code(plan.environment)}", "", f"**{counts_line(plan)}**", ""]
    if plan.cost is not None:
        lines += [render_cost_summary_markdown(plan.cost), ""]
    if plan.blocked:
        lines += ["> [!CAUTION]", "> Blocked by policy:"]
        lines += [f"> - {code(i.name, table=False)}: {text(i.blocked or '')}" for i in plan.blocked]
        lines.append("")
    lines += _destructive(plan)
    lines += markdown_section(plan)
    changed = [i for a in ORDER for i in git_items(plan, a) if a is not Action.NOOP]
    if changed:
        lines += ["| | model | action | monthly cost |", "|---|---|---|---|"]
        lines += [_row(i) for i in changed]
        lines.append("")
        lines += ["<details><summary>Field changes</summary>", ""]
        for item in changed:
            if item.changes:
                lines += _details(item)
        lines += ["</details>", ""]
    elif not plan.outside_git:
        lines += ["No changes: the live endpoints match git.", ""]
    else:
        lines += ["No changes from git.", ""]
    if plan.warnings:
        lines += ["<details><summary>Warnings</summary>", ""]
        lines += [f"- {text(w)}" for w in plan.warnings] + ["", "</details>", ""]
    if stamp is not None:
        lines += [stamp.markdown(), ""]
    return "\n".join(lines)


def _destructive(plan: Plan) -> list[str]:
    """A WARNING callout naming every delete and replace the plan would carry out."""
    allowed = [
        i for i in plan.items if i.action in (Action.DELETE, Action.REPLACE) and not i.blocked
    ]
    if not allowed:
        return []
    lines = ["> [!WARNING]", "> This plan removes live endpoints:"]
    for item in allowed:
        what = "deleted" if item.action is Action.DELETE else "replaced (deleted, then created)"
        why = f": {text(item.reason)}" if item.reason else ""
        lines.append(f"> - {code(item.name, table=False)} is {what}{why}")
    return [*lines, ""]


def _row(item: PlanItem) -> str:
    if item.action is Action.UNMANAGED:
        note = item.blocked or item.reason or "not managed by reconcile; never changed"
        return f"| | {code(item.name)} | unmanaged: {text(note)} | |"
    cost = ""
    if item.cost is not None:
        cost = f"{usd(item.cost.before)} → {usd(item.cost.after)}"
        if item.cost.before is not None and item.cost.after is not None:
            cost += f" ({usd(item.cost.after - item.cost.before, signed=True)})"
    blocked = " (blocked)" if item.blocked else ""
    return (
        f"| `{SYMBOLS[item.action]}` | {code(item.name)} | {item.action.value}{blocked} | {cost} |"
    )


def _details(item: PlanItem) -> list[str]:
    head = f"**{text(item.name)}** ({item.action.value})"
    return [head, "", *fenced(markdown_diff(item.changes)), ""]
