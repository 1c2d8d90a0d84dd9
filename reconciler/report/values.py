"""Value formatting shared by the plan reporters: short, JSON-like, never a secret."""

from __future__ import annotations

import json
from typing import Any

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


def short(value: Any, limit: int = 72) -> str:
    """A one-line rendering of a field value, cut with an ellipsis past ``limit``."""
    if value is None:
        return "(none)"
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def short_pair(old: Any, new: Any, limit: int = 40) -> tuple[str, str]:
    """Both sides of a change; long strings are shown from just before their first
    difference, so a one-word edit deep in a prompt template is visible."""
    if not (isinstance(old, str) and isinstance(new, str)):
        return short(old, limit), short(new, limit)
    first = next(
        (i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b),
        min(len(old), len(new)),
    )
    start = max(0, first - 15)
    if start == 0:
        return short(old, limit), short(new, limit)
    return "…" + short(old[start:], limit - 1)[1:], "…" + short(new[start:], limit - 1)[1:]


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
