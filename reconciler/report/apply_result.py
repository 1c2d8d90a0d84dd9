"""The outcome of an apply: one line per model, then what failed and why."""

from __future__ import annotations

from typing import Any

from reconciler.report.markdown import code, text
from reconciler.structs.display import visible
from reconciler.structs.outcome import ApplyResult
from reconciler.structs.plan import Plan


def render_result_text(plan: Plan, result: ApplyResult) -> str:
    ok = len(result.outcomes) - len(result.failures)
    head = f"Apply of '{plan.environment}': {ok} succeeded"
    if result.failures:
        head += f", {len(result.failures)} not finished"
    if result.interrupted:
        head += " (interrupted: no new changes were started)"
    lines = [head]
    for outcome in result.failures:
        where = f" (correlation id {outcome.correlation_id})" if outcome.correlation_id else ""
        name, error = visible(outcome.name), visible(outcome.error or "")
        lines.append(f"  {outcome.state} {name} [{outcome.action.value}]: {error}{where}")
    if result.snapshot_serial is not None:
        where = result.snapshot_file or f"state/{plan.environment}/snapshot.json"
        lines.append(f"Snapshot written: {where} (serial {result.snapshot_serial})")
    if result.commit:
        lines.append(f"Committed state as {result.commit[:12]}")
    if "push" in result.extra:
        lines.append(f"Push: {result.extra['push']}")
    lines += [f"PROBLEM: {visible(problem)}" for problem in result.problems]
    return "\n".join(lines) + "\n"


def render_result_markdown(plan: Plan, result: ApplyResult) -> str:
    """The apply outcome for a job summary: one row per change, problems called out."""
    ok = len(result.outcomes) - len(result.failures)
    lines = [
        f"### reconcile apply: {code(plan.environment)}",
        "",
        f"**{ok} succeeded, {len(result.failures)} not finished**"
        + (" (interrupted)" if result.interrupted else ""),
        "",
        "| model | action | state | detail |",
        "|---|---|---|---|",
    ]
    for o in result.outcomes:
        detail = text(o.error or "")
        lines.append(f"| {code(o.name)} | {o.action.value} | {o.state} | {detail} |")
    if result.snapshot_serial is not None:
        lines += ["", f"Snapshot serial {result.snapshot_serial}."]
    if result.problems:
        lines += ["", "> [!WARNING]", *[f"> {text(p)}" for p in result.problems]]
    return "\n".join(lines) + "\n"


def result_document(result: ApplyResult) -> dict[str, Any]:
    return {
        "interrupted": result.interrupted,
        "exitCode": int(result.exit_code),
        "snapshotSerial": result.snapshot_serial,
        "commit": result.commit,
        "problems": list(result.problems),
        "outcomes": [
            {
                "name": o.name,
                "action": o.action.value,
                "state": o.state,
                "modelId": o.model_id,
                "error": o.error,
                "correlationId": o.correlation_id,
                "health": o.health,
            }
            for o in result.outcomes
        ],
    }
