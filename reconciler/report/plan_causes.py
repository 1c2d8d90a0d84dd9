"""Changes made outside git, shown apart from the pull request's own (text and markdown).

A reviewer approving "temperature 0.2 -> 0.5 on model B" must not also approve, unseen, the
revert of someone's emergency change to model A. So every plan change whose ``cause`` is
``drift`` or ``both`` is listed in a section of its own, above the changes from git, naming
each field changed outside git with the live value the apply would overwrite.
"""

from __future__ import annotations

from reconciler.report.changes import fenced, inline, markdown_diff, path, text_lines
from reconciler.report.markdown import code, text
from reconciler.report.values import SYMBOLS
from reconciler.structs.diffs import FieldChange
from reconciler.structs.display import visible
from reconciler.structs.plan import Action, Cause, Plan, PlanItem

TEXT_TITLE = "Changed outside git (applying overwrites these live values):"
TEXT_GIT_TITLE = "Changes from git:"


def overwritten(item: PlanItem) -> tuple[FieldChange, ...]:
    """The plan's changes (live value -> value from git) of the fields changed outside git."""
    paths = {c.path for c in item.live_changes}
    return tuple(c for c in item.changes if c.path in paths)


def what_happened(item: PlanItem) -> str:
    """One phrase for the item's change outside git."""
    if item.live_changes and all(c.old is None for c in item.live_changes):
        then = "the apply deletes it" if item.action is Action.DELETE else "not in the last apply"
        return f"created outside git; {then}"
    if item.live_changes and all(c.new is None for c in item.live_changes):
        return f"deleted outside git; the apply {item.action.value}s it"
    if not item.live_changes:
        return "live state differs from the last apply (status); the apply re-applies git"
    fields = ", ".join(path(c) for c in item.live_changes)
    return f"changed outside git: {fields}"


def in_git_section(item: PlanItem) -> bool:
    """Whether the item is listed with the changes from git (``git`` and ``both``)."""
    return item.cause in (None, Cause.GIT, Cause.BOTH)


def text_section(plan: Plan, *, full: bool = False) -> list[str]:
    """The text lines of the outside-git section, with a title; none when there is nothing."""
    items = plan.outside_git
    if not items:
        return []
    lines = [TEXT_TITLE]
    for item in items:
        lines.append(
            f"  {SYMBOLS[item.action]:>3} {visible(item.name)} ({item.action.value}, cause: "
            f"{item.cause}) - {what_happened(item)}"
        )
        for change in overwritten(item):
            lines += text_lines(change, full=full)
    return [*lines, "", TEXT_GIT_TITLE]


def markdown_warning(plan: Plan) -> list[str]:
    """The comment's first lines when the plan reverts changes made outside git."""
    items = plan.outside_git
    if not items:
        return []
    names = ", ".join(code(i.name, table=False) for i in items)
    return [
        f"> [!WARNING]\n> **This plan overwrites {len(items)} change(s) made outside git** "
        f"({names}): applying it reverts them. See *Changed outside git* below.",
        "",
    ]


def markdown_section(plan: Plan) -> list[str]:
    """A table of the outside-git changes with the live values the apply overwrites."""
    items = plan.outside_git
    if not items:
        return []
    lines = [
        "#### Changed outside git",
        "",
        "| model | action | cause | field | live now | after apply |",
        "|---|---|---|---|---|---|",
    ]
    for item in items:
        rows = overwritten(item) or (None,)
        for change in rows:
            lines.append(_row(item, change))
    lines.append("")
    details = [i for i in items if overwritten(i)]
    if details:
        lines += ["<details><summary>Live values overwritten</summary>", ""]
        for item in details:
            lines += [f"**{text(item.name)}** ({item.action.value})", ""]
            lines += [*fenced(markdown_diff(overwritten(item))), ""]
        lines += ["</details>", ""]
    return [*lines, "#### Changes from git", ""]


def _row(item: PlanItem, change: FieldChange | None) -> str:
    head = f"| {code(item.name)} | {item.action.value} | {item.cause} |"
    if change is None:
        return f"{head} {text(what_happened(item))} | | |"
    live, after = _cell(change.old), _cell(change.new)
    return f"{head} {code(change.dotted)} | {live} | {after} |"


def _cell(value: object) -> str:
    return "(none)" if value is None else code(inline(value, limit=40))


def git_items(plan: Plan, action: Action) -> list[PlanItem]:
    """The items of ``action`` that belong with the changes from git."""
    return [i for i in plan.by_action(action) if in_git_section(i)]
