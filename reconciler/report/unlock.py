"""``reconcile unlock``: which stale locks were broken, as text, JSON and markdown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reconciler.structs.redaction import redacted_json


@dataclass(frozen=True)
class UnlockReport:
    environment: str
    broken: Sequence[tuple[str, str]]  # (where, what was done), each recorded as LOCK_BROKEN


def unlock_text(report: UnlockReport) -> str:
    if not report.broken:
        return f"{report.environment}: no stale lock to break\n"
    return "".join(
        f"{report.environment}: {what} (recorded as LOCK_BROKEN)\n" for _, what in report.broken
    )


def unlock_json(report: UnlockReport) -> str:
    doc = {
        "formatVersion": 1,
        "environment": report.environment,
        "broken": [{"where": where, "result": what} for where, what in report.broken],
    }
    return redacted_json(doc, indent=2) + "\n"
