"""After an apply: snapshot what is live, close the audit run, and commit/push when asked.

The snapshot is taken from a fresh list of live models (not from what we believe we did), so
it records the truth even when some writes failed or the run was interrupted.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reconciler.engine.plan.normalize import environment_of, is_managed, redacted
from reconciler.engine.plan.prepare import Prepared, last_known_usage
from reconciler.engine.record.recorder import Recorder
from reconciler.gateway import GatewayClient
from reconciler.gitops.locksettings import DEFAULT_REMOTE
from reconciler.gitops.repo import commit_and_push, head_state
from reconciler.gitops.snapshot import read_snapshot, snapshot_path, write_snapshot
from reconciler.structs.errors import ReconcileError
from reconciler.structs.outcome import ApplyResult


def record_state(
    root: Path,
    *,
    records: Path,
    prepared: Prepared,
    client: GatewayClient,
    recorder: Recorder,
    result: ApplyResult,
    git_commit: str | None,
    commit: bool,
    push: bool,
    author: str | None = None,
    remote: str = DEFAULT_REMOTE,
) -> None:
    """Record state under ``records`` (``structs.paths.records_root``), and commit it in the
    checkout at ``root`` when asked; a failure here (git, disk) comes after changes were made,
    so it is reported as a problem of the apply (exit 3), never as "nothing was changed"."""
    try:
        _snapshot_and_audit(
            records,
            prepared=prepared,
            client=client,
            recorder=recorder,
            result=result,
            git_commit=git_commit,
        )
        env = prepared.loaded.config.name
        result.snapshot_file = snapshot_path(records, env).relative_to(root).as_posix()
        if commit or push:
            _commit_and_push(root, env, result, git_commit, push=push, author=author, remote=remote)
    except ReconcileError as exc:
        result.problems.append(f"recording state failed: {exc.render()}")


def manifests_commit(root: Path, environment: str) -> str | None:
    """The commit the manifests come from; ``-dirty`` when the environment has local edits,
    so the record never claims a commit that does not contain what was applied."""
    state = head_state(root, environment)
    if state.commit is None:
        return None
    return f"{state.commit}-dirty" if state.dirty else state.commit


def _snapshot_and_audit(
    records: Path,
    *,
    prepared: Prepared,
    client: GatewayClient,
    recorder: Recorder,
    result: ApplyResult,
    git_commit: str | None,
) -> None:
    env = prepared.loaded.config.name
    previous = read_snapshot(records, env)
    usage = last_known_usage(previous)
    usage.update({m.name: m.spec["usage"] for m in prepared.loaded.models if "usage" in m.spec})
    live = [
        _with_usage(redacted(m), usage)
        for m in client.list_models()
        if is_managed(m) and environment_of(m) in (None, env)
    ]
    serial = (previous.serial if previous else 0) + 1
    ok = len(result.outcomes) - len(result.failures)
    # CONFIG_SYNC goes first so the snapshot's anchor on the audit chain covers it.
    recorder.record(
        "CONFIG_SYNC",
        item=None,
        name="*",
        model_id=None,
        result=f"snapshot serial {serial}: {ok} applied, {len(result.failures)} not finished",
        payload={"serial": serial},
    )
    snapshot = write_snapshot(records, env, models=live, git_commit=git_commit)
    result.snapshot_serial = snapshot.serial


def _commit_and_push(
    root: Path,
    env: str,
    result: ApplyResult,
    git_commit: str | None,
    *,
    push: bool,
    author: str | None,
    remote: str,
) -> None:
    message = _message(env, result, git_commit)
    result.commit, pushed = commit_and_push(
        root, env, message=message, push=push, remote=remote, author_name=author
    )
    if pushed is not None:
        result.extra["push"] = pushed.detail
        if not pushed.pushed:
            result.problems.append(f"push failed (committed locally): {pushed.detail}")


def _with_usage(model: dict[str, Any], usage: Mapping[str, Any]) -> dict[str, Any]:
    """Keep the reconciler-side ``usage`` next to the live model (never sent to the API)."""
    known = usage.get(str(model.get("name")))
    return {**model, "usage": known} if known else model


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
