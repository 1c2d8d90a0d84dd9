"""The plan as a person reads it in a terminal: a summary line, then one block per change.

Colour only when the caller says so (``--color``, NO_COLOR, TERM=dumb are decided in cli/).
Unchanged models collapse to a count unless ``verbose``; long values are line diffs (see
``changes``), whole with ``full``.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.cost.money import usd
from reconciler.report.changes import text_lines
from reconciler.report.cost import render_cost_summary_text
from reconciler.report.plan_causes import git_items, text_section
from reconciler.report.values import ORDER, SYMBOLS, counts_line
from reconciler.structs.display import visible
from reconciler.structs.plan import Action, Cause, Plan, PlanItem

_COLOURS = {
    Action.CREATE: "32",
    Action.UPDATE: "33",
    Action.REPLACE: "35",
    Action.DELETE: "31",
    Action.NOOP: "2",
    Action.UNMANAGED: "36",
}


@dataclass(frozen=True)
class TextView:
    """How much a terminal reader asked to see."""

    colour: bool = False
    full: bool = False
    verbose: bool = False


def render_plan_text(plan: Plan, view: TextView = TextView()) -> str:
    lines = [f"Plan for environment '{plan.environment}': {counts_line(plan)}", ""]
    lines += text_section(plan, full=view.full)
    for action in ORDER:
        if action is Action.NOOP and not view.verbose:
            continue
        for item in git_items(plan, action):
            lines.extend(_item(item, view))
    noops = plan.by_action(Action.NOOP)
    if noops and not view.verbose:
        lines.append(f"  {SYMBOLS[Action.NOOP]:>3} {len(noops)} unchanged (-v lists them)")
    if plan.cost is not None:
        lines += ["", render_cost_summary_text(plan.cost)]
    for item in plan.blocked:
        lines.append(f"BLOCKED {visible(item.name)}: {visible(item.blocked or '')}")
    if plan.warnings:
        lines += ["", *[f"warning: {visible(w)}" for w in plan.warnings]]
    if not plan.has_changes and not plan.blocked:
        lines += ["", "No changes. The live endpoints match git."]
    return "\n".join(lines).rstrip() + "\n"


def _item(item: PlanItem, view: TextView) -> list[str]:
    head = f"  {SYMBOLS[item.action]:>3} {visible(item.name)} ({item.action.value})"
    if item.reason:
        head += f" - {visible(item.reason)}"
    if item.cause is Cause.BOTH:
        head += " (also changed outside git, see above)"
    if item.blocked:
        head += "  [BLOCKED]"
    if view.colour:
        head = f"\x1b[{_COLOURS[item.action]}m{head}\x1b[0m"
    out = [head]
    if item.action in (Action.NOOP, Action.UNMANAGED):
        return out
    for change in item.changes:
        out += text_lines(change, full=view.full)
    if item.cost is not None and item.cost.before != item.cost.after:
        out.append(f"        monthly cost: {usd(item.cost.before)} → {usd(item.cost.after)}")
    return out
