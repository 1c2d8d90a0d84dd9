"""One field change as lines a reviewer can trust: short values inline, long ones as a line diff.

A one-word edit in the middle of a prompt template must be visible, so nothing long is ever cut
to a prefix (two prefixes can be identical). Strings longer than a line, multi-line strings
and structures shown as YAML (``responseSchema``) become a unified line diff; long lines are
wrapped first, so the changed words land on their own diff line. ``full`` shows whole values:
no inline value is shortened and a diff keeps every unchanged line as context.
"""

from __future__ import annotations

import difflib
import textwrap
from typing import Any

import yaml

from reconciler.report.markdown import longest_backticks
from reconciler.structs import fields
from reconciler.structs.diffs import FieldChange
from reconciler.structs.display import shortened, visible
from reconciler.structs.fields import Show
from reconciler.structs.redaction import redact_value, redacted_json

INLINE_LIMIT = 72
WRAP = 100
CONTEXT = 2


def is_long(change: FieldChange) -> bool:
    """Whether the change is shown as a line diff rather than on one line."""
    show = fields.model_fields().shown(change.field)
    for value in (change.old, change.new):
        if isinstance(value, str) and ("\n" in value.strip("\n") or len(value) > INLINE_LIMIT):
            return True
        if isinstance(value, (dict, list)) and value and show is Show.YAML:
            return True
        if isinstance(value, (dict, list)) and len(inline(value, full=True)) > INLINE_LIMIT:
            return True
    return False


def inline(value: Any, *, full: bool = False, limit: int = INLINE_LIMIT) -> str:
    """A one-line rendering of a value, cut with an ellipsis past ``limit`` unless ``full``.
    JSON, with what JSON leaves as it is but a reader cannot see (a bidi override, a zero-width
    space, U+2028) escaped too, as every view escapes it (``visible``)."""
    if value is None:
        return "(none)"
    text = redacted_json(value, sort_keys=True, ensure_ascii=False)
    return visible(text if full else shortened(text, limit))


def path(change: FieldChange) -> str:
    """The change's dotted field path on one line (a live label key is anything at all)."""
    return visible(change.dotted)


def diff_lines(change: FieldChange, *, full: bool = False) -> list[str]:
    """The unified line diff of a long change: ``-``/``+``/`` `` lines, hunks split by ``…``."""
    old, new = value_lines(change.old), value_lines(change.new)
    context = max(len(old), len(new)) if full else CONTEXT
    out: list[str] = []
    for line in difflib.unified_diff(old, new, n=context, lineterm=""):
        if line.startswith(("---", "+++")):
            continue
        out.append("…" if line.startswith("@@") else line)
    return out[1:] if out and out[0] == "…" else out


def value_lines(value: Any) -> list[str]:
    """A value as the lines it is diffed by: text wrapped, structures as YAML. Redacted
    first: wrapping could split a secret across two lines, where no text pass finds it."""
    if value is None:
        return []
    value = redact_value(value)
    if isinstance(value, str):
        # Split at newlines only: a U+2028 or a form feed is shown (``visible``), not obeyed.
        lines = value.split("\n")
        if len(lines) > 1 and lines[-1] == "":
            lines.pop()
        return [
            visible(piece)
            for line in lines
            for piece in textwrap.wrap(line, WRAP, break_long_words=True) or [""]
        ]
    text = yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=WRAP)
    return [visible(line) for line in text.split("\n")[:-1]]


def text_lines(change: FieldChange, *, full: bool = False, indent: str = "        ") -> list[str]:
    """The change for a terminal: ``path: old → new``, or the path then its line diff."""
    if is_long(change):
        return [f"{indent}{path(change)}:"] + [
            f"{indent}  {d}" for d in diff_lines(change, full=full)
        ]
    if change.old is None:
        return [f"{indent}{path(change)}: {inline(change.new, full=full)}"]
    if change.new is None:
        return [f"{indent}{path(change)}: {inline(change.old, full=full)} (removed)"]
    old, new = inline(change.old, full=full, limit=40), inline(change.new, full=full, limit=40)
    return [f"{indent}{path(change)}: {old} → {new}"]


def markdown_diff(changes: tuple[FieldChange, ...], *, full: bool = False) -> list[str]:
    """The lines of a ```diff block: ``-``/``+`` per inline change, an ``@@ path @@`` hunk
    header before each line diff. Values are never cut (the block is folded anyway)."""
    out: list[str] = []
    for change in changes:
        if is_long(change):
            out.append(f"@@ {path(change)} @@")
            out += diff_lines(change, full=full)
            continue
        if change.old is not None:
            out.append(f"- {path(change)}: {inline(change.old, full=True)}")
        if change.new is not None:
            out.append(f"+ {path(change)}: {inline(change.new, full=True)}")
    return out


def fenced(lines: list[str], language: str = "diff") -> list[str]:
    """A code block whose fence is longer than any run of backticks inside it."""
    ticks = "`" * max(3, longest_backticks("\n".join(lines)) + 1)
    return [f"{ticks}{language}", *lines, ticks]
