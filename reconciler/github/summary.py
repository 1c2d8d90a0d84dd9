"""Append a report to the job summary page that GitHub Actions shows for a run.

Actions reads the file named by ``GITHUB_STEP_SUMMARY`` after each step and refuses more than
1 MiB per step, so the report is capped the same way as a comment, just higher.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from reconciler.github.body import STEP_SUMMARY_CAP, fit_body
from reconciler.structs.errors import ConfigError


def append_step_summary(report: str, *, environ: Mapping[str, str]) -> Path:
    """Append ``report`` to the step summary file; returns its path."""
    target = environ.get("GITHUB_STEP_SUMMARY", "")
    if not target:
        raise ConfigError(
            "GITHUB_STEP_SUMMARY is not set",
            hint="'reconcile github summary' runs inside a GitHub Actions step",
        )
    path = Path(target)
    try:
        with path.open("a", encoding="utf-8") as out:
            out.write(fit_body(report.rstrip("\n"), cap=STEP_SUMMARY_CAP) + "\n\n")
    except OSError as exc:
        raise ConfigError(f"cannot append to GITHUB_STEP_SUMMARY {path}: {exc.strerror}") from exc
    return path
