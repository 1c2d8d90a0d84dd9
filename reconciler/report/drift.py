"""Drift reports as text, JSON (``formatVersion: 1``) and markdown (an issue body)."""

from __future__ import annotations

from reconciler.report.changes import fenced, markdown_diff, text_lines
from reconciler.report.markdown import code, text
from reconciler.structs.display import visible
from reconciler.structs.drift import DriftKind, DriftReport
from reconciler.structs.plan import Action
from reconciler.structs.redaction import redacted_json

_KINDS = (
    DriftKind.UNHEALTHY,
    DriftKind.DRIFTED,
    DriftKind.MISSING,
    DriftKind.PENDING,
    DriftKind.UNMANAGED,
)
_WORDS = {
    DriftKind.UNHEALTHY: "unhealthy",
    DriftKind.DRIFTED: "changed outside git",
    DriftKind.MISSING: "deleted outside git",
    DriftKind.PENDING: "git changes not yet applied",
    DriftKind.UNMANAGED: "unmanaged",
}


def summary_line(report: DriftReport) -> str:
    parts = [f"{len(report.of(k))} {k.value}" for k in _KINDS]
    return f"Drift in '{report.environment}': " + ", ".join(parts)


def render_drift_text(report: DriftReport, *, full: bool = False) -> str:
    lines = [summary_line(report)]
    for kind in _KINDS:
        for item in report.of(kind):
            note = f" ({visible(item.note)})" if item.note else ""
            lines.append(f"  {kind.value:10} {visible(item.name)}{note}")
            for change in item.changes:
                lines += text_lines(change, indent="      ", full=full)
    if not report.found:
        lines.append("No drift: git, the last snapshot and live agree.")
    lines += [f"note: {visible(n)}" for n in _notes(report)]
    return "\n".join(lines) + "\n"


def _notes(report: DriftReport) -> tuple[str, ...]:
    """What the check could not compare (provider keys it was run without)."""
    return report.plan.warnings if report.plan else ()


def render_drift_json(report: DriftReport) -> str:
    doc: dict[str, object] = {
        "formatVersion": 1,
        "environment": report.environment,
        "snapshotSerial": report.snapshot_serial,
        "driftFound": report.found,
        "notes": list(_notes(report)),
    }
    for kind in DriftKind:
        doc[kind.value] = [i.as_dict() for i in report.of(kind)]
    for action in Action:  # what an apply would do now (CONTRACT section 4 lists)
        doc[action.value] = (
            [i.as_dict() for i in report.plan.by_action(action)] if report.plan else []
        )
    return redacted_json(doc, indent=2, default=str) + "\n"


def render_drift_markdown(report: DriftReport) -> str:
    title = f"### reconcile drift: {code(report.environment)}"
    lines = [title, "", f"**{text(summary_line(report))}**", ""]
    notes = [f"- {text(n)}" for n in _notes(report)]
    if not report.found:
        return "\n".join([*lines, "No drift: git, the last snapshot and live agree.", "", *notes])
    lines += ["| model | finding | fields |", "|---|---|---|"]
    for kind in _KINDS:
        for item in report.of(kind):
            fields = ", ".join(code(c.dotted) for c in item.changes[:6]) or text(item.note or "")
            lines.append(f"| {code(item.name)} | {_WORDS[kind]} | {fields} |")
    lines += ["", "<details><summary>Field changes</summary>", ""]
    for item in report.items:
        if item.changes:
            lines += [f"**{text(item.name)}** ({item.kind.value})", ""]
            lines += [*fenced(markdown_diff(item.changes)), ""]
    lines += ["</details>", "", *notes]
    return "\n".join(lines)
