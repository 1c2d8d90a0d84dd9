"""``reconcile audit verify``: one verdict per environment, as text, JSON and markdown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reconciler.report.markdown import text
from reconciler.structs.redaction import redacted_json

if TYPE_CHECKING:  # reporters load without git: ``validate`` imports them
    from reconciler.gitops.audit import AuditVerdict


@dataclass(frozen=True)
class AuditReport:
    verdicts: Mapping[str, AuditVerdict]
    paths: Mapping[str, str]  # each environment's log, relative to the config root
    history: bool = False  # ``--history``: every committed version was checked too
    folder: str = "state/"  # where the logs were looked for (a sandbox's are elsewhere)

    @property
    def ok(self) -> bool:
        return all(v.ok for v in self.verdicts.values())

    def rel(self, env: str) -> str:
        return self.paths[env]


def audit_text(report: AuditReport) -> str:
    if not report.verdicts:
        return f"no audit logs under {report.folder}\n"
    lines = []
    for env, verdict in report.verdicts.items():
        if verdict.ok:
            note = "" if verdict.entries else " (no audit log yet)"
            lines.append(f"{env}: ok: {verdict.entries} entries{note}")
            if verdict.note:
                lines.append(f"{env}: note: {verdict.note}")
        else:
            where = f" line {verdict.first_bad_line}" if verdict.first_bad_line else ""
            lines.append(f"{env}: FAILED: {report.rel(env)}{where}: {verdict.reason}")
    if report.history and report.ok:
        lines.append("git history of state/ checked: each committed version extends the one before")
    return "\n".join(lines) + "\n"


def audit_json(report: AuditReport) -> str:
    doc = {
        "formatVersion": 1,
        "ok": report.ok,
        "environments": [
            {
                "environment": env,
                "path": report.rel(env),
                "ok": v.ok,
                "entries": v.entries,
                "firstBadLine": v.first_bad_line,
                "reason": v.reason,
                "torn": v.torn,
                "note": v.note,
            }
            for env, v in report.verdicts.items()
        ],
    }
    return redacted_json(doc, indent=2) + "\n"


def audit_markdown(report: AuditReport) -> str:
    bad = [env for env, v in report.verdicts.items() if not v.ok]
    head = "**Audit logs: all verify.**" if not bad else f"**Audit logs failing: {', '.join(bad)}**"
    rows = ["| environment | result | entries | first bad line | reason |", "|---|---|---|---|---|"]
    for env, v in report.verdicts.items():
        result = "ok" if v.ok else "FAILED"
        line = v.first_bad_line or ""
        rows.append(f"| {env} | {result} | {v.entries} | {line} | {text(v.reason or '')} |")
    return head + "\n\n" + "\n".join(rows) + "\n"
