"""Symbols, order and the counts line shared by the plan reporters."""

from __future__ import annotations

from reconciler.structs.plan import Action, Plan

SYMBOLS = {
    Action.CREATE: "+",
    Action.UPDATE: "~",
    Action.REPLACE: "-/+",
    Action.DELETE: "-",
    Action.NOOP: "=",
    Action.UNMANAGED: "?",
}
ORDER = (Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE, Action.NOOP, Action.UNMANAGED)


def counts_line(plan: Plan) -> str:
    """``2 to create, 1 to update, ...``: the line a person reads first."""
    words = {
        Action.CREATE: "to create",
        Action.UPDATE: "to update",
        Action.REPLACE: "to replace",
        Action.DELETE: "to delete",
        Action.NOOP: "unchanged",
        Action.UNMANAGED: "unmanaged",
    }
    return ", ".join(f"{len(plan.by_action(a))} {words[a]}" for a in ORDER)
