"""After an apply: snapshot what is live, close the audit run, and commit/push when asked.

The snapshot is taken from a fresh list of live models (not from what we believe we did), so
it records the truth even when some writes failed or the run was interrupted.
"""

from __future__ import annotations

from pathlib import Path

from reconciler.engine.normalize import environment_of, is_managed, redacted
from reconciler.engine.prepare import Prepared
from reconciler.engine.recorder import Recorder
from reconciler.gateway import GatewayClient
from reconciler.gitops.repo import commit_state, push_state
from reconciler.gitops.snapshot import write_snapshot
from reconciler.structs.outcome import ApplyResult


def record_state(
    root: Path,
    *,
    prepared: Prepared,
    client: GatewayClient,
    recorder: Recorder,
    result: ApplyResult,
    git_commit: str | None,
    commit: bool,
    push: bool,
) -> None:
    env = prepared.loaded.config.name
    live = [
        redacted(m)
        for m in client.list_models()
        if is_managed(m) and environment_of(m) in (None, env)
    ]
    snapshot = write_snapshot(root, env, models=live, git_commit=git_commit)
    result.snapshot_serial = snapshot.serial
    ok = len(result.outcomes) - len(result.failures)
    recorder.record(
        "CONFIG_SYNC",
        item=None,
        name="*",
        model_id=None,
        result=f"snapshot serial {snapshot.serial}: {ok} applied, {len(result.failures)} failed",
        payload={"serial": snapshot.serial},
    )
    if commit or push:
        result.commit = commit_state(root, env, message=_message(env, result, git_commit))
        if push:
            pushed = push_state(root)
            result.extra["push"] = pushed.detail
            if not pushed.pushed:
                result.problems.append(f"push failed (committed locally): {pushed.detail}")


def _message(env: str, result: ApplyResult, git_commit: str | None) -> str:
    counts: dict[str, int] = {}
    for outcome in result.outcomes:
        counts[outcome.action.value] = counts.get(outcome.action.value, 0) + 1
    summary = ", ".join(f"{n} {a}" for a, n in sorted(counts.items())) or "no changes"
    source = git_commit[:12] if git_commit else "an uncommitted tree"
    failed = f"; {len(result.failures)} failed" if result.failures else ""
    return (
        f"reconcile({env}): {summary}{failed} [skip ci]\n\n"
        f"Applied manifests from {source}; snapshot serial {result.snapshot_serial}."
    )
