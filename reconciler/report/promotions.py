"""What ``reconcile promote`` changes (or would), as text, JSON and markdown.

Each promotion carries its file diff (decided on parsed documents) and its field changes.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from reconciler.report.changes import fenced
from reconciler.report.markdown import code, text
from reconciler.structs.diffs import FieldChange
from reconciler.structs.display import visible
from reconciler.structs.redaction import redacted_json


class Promotion(Protocol):
    """One model promote handled (``engine.promote.Promotion``)."""

    @property
    def name(self) -> str: ...
    @property
    def path(self) -> Path: ...
    @property
    def diff(self) -> str: ...
    @property
    def created(self) -> bool: ...
    @property
    def changes(self) -> tuple[FieldChange, ...]: ...
    @property
    def notes(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class PromotionReport:
    source: str
    target: str
    dry_run: bool
    root: Path
    promotions: Sequence[Promotion]

    @property
    def changed(self) -> list[Promotion]:
        return [p for p in self.promotions if p.diff]

    def headline(self) -> str:
        verb = "would change" if self.dry_run else "changed"
        return f"{len(self.changed)} of {len(self.promotions)} manifest(s) {verb}"


def promotion_text(report: PromotionReport) -> str:
    out = [item.diff for item in report.changed] + [_summary(i) for i in report.changed]
    return "".join(out) + f"{report.headline()} in '{report.target}'\n"


def promotion_json(report: PromotionReport) -> str:
    doc = {
        "formatVersion": 1,
        "from": report.source,
        "to": report.target,
        "dryRun": report.dry_run,
        "models": [
            {
                "name": p.name,
                "path": p.path.relative_to(report.root).as_posix(),
                "changed": bool(p.diff),
                "created": p.created,
                "changes": [c.as_dict() for c in p.changes],
                "notes": list(p.notes),
                "diff": p.diff,
            }
            for p in report.promotions
        ],
    }
    return redacted_json(doc, indent=2, ensure_ascii=False) + "\n"


def promotion_markdown(report: PromotionReport) -> str:
    source, target = code(report.source, table=False), code(report.target, table=False)
    out = [f"**Promote {source} → {target}: {report.headline()}.**"]
    for item in report.changed:
        out += ["", "<details>", f"<summary>{_md_summary(item)}</summary>", ""]
        out += [
            f"- {code(c.dotted, table=False)}: {code(_show(c.old), table=False)} → "
            f"{code(_show(c.new), table=False)}"
            for c in _fields(item)
        ]
        out += [f"- note: {text(note)}" for note in item.notes]
        out += ["", *fenced(item.diff.rstrip("\n").split("\n")), "", "</details>"]
    return "\n".join(out) + "\n"


def _summary(item: Promotion) -> str:
    head = "new in the target" if item.created else f"{len(item.changes)} field(s) changed"
    lines = [f"{item.name}: {head}"]
    if not item.created:
        lines += [f"  {c.dotted}: {_show(c.old)} -> {_show(c.new)}" for c in item.changes]
    lines += [f"  note: {note}" for note in item.notes]
    return "\n".join(lines) + "\n"


def _show(value: Any) -> str:
    """Short: the file diff above shows every line of a long value."""
    if value is None:
        return "(absent)"
    if isinstance(value, str) and "\n" in value:
        return f"({value.count(chr(10)) + 1} lines of text)"
    text = redacted_json(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _md_summary(item: Promotion) -> str:
    what = "new" if item.created else f"{len(item.changes)} field(s)"
    return f"<code>{html.escape(visible(item.name))}</code>: {what}"


def _fields(item: Promotion) -> tuple[FieldChange, ...]:
    return () if item.created else item.changes
