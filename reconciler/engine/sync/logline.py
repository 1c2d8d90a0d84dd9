"""One JSON line per sync round on stderr, with the fields the service's access log uses
(``time``, ``ms``) plus the round's own, so one log pipeline reads both."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

from reconciler.engine.sync.report import RoundReport


def log_line(report: RoundReport) -> str:
    when = datetime.fromtimestamp(report.started, UTC).isoformat(timespec="milliseconds")
    line = {
        "time": when.replace("+00:00", "Z"),
        "event": "sync-round",
        "env": report.environment,
        "round": report.number,
        "outcome": report.outcome.value,
        "ms": round(report.ms, 1),
        "commit": report.commit,
        "pending": report.pending,
        "drifted": len(report.drifted),
        "applied": sum(1 for c in report.changes if c.ok),
        "error": report.error,
    }
    if report.notices:  # rare (a killed round's records recovered): absent otherwise
        line["notices"] = list(report.notices)
    return json.dumps(line, separators=(",", ":"))


def json_log(stream: TextIO | None = None) -> Callable[[RoundReport], None]:
    """An observer that writes each report's line to ``stream`` (stderr when it is written)."""

    def write(report: RoundReport) -> None:
        out = stream or sys.stderr
        out.write(log_line(report) + "\n")
        out.flush()

    return write
