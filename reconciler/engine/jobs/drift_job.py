"""`reconcile drift`: build the three views, compare, optionally record the finding."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reconciler.engine.apply.connect import open_client
from reconciler.engine.apply.health import health_check_for
from reconciler.engine.plan.drift import HealthOf, compute_drift, status_problem, with_causes
from reconciler.engine.plan.normalize import environment_of, is_managed
from reconciler.engine.plan.planner import compute_plan
from reconciler.engine.plan.prepare import desired_models, without_unset_keys
from reconciler.engine.plan.secrets import require_references
from reconciler.engine.record.leftovers import commit_leftovers_first
from reconciler.engine.record.place import RecordsPlace
from reconciler.engine.record.recorder import Recorder
from reconciler.gateway import GatewayClient
from reconciler.gitops.audit import default_actor
from reconciler.gitops.chain import audit_path
from reconciler.gitops.holder import Holder
from reconciler.gitops.lock import environment_lock
from reconciler.gitops.locksettings import DEFAULT_REMOTE, DEFAULT_TIMEOUT, LockSettings
from reconciler.gitops.preflight import check_writeback
from reconciler.gitops.repo import commit_and_push, head_commit
from reconciler.gitops.snapshot import read_snapshot
from reconciler.manifests import load_environment
from reconciler.structs.drift import DriftKind, DriftReport
from reconciler.structs.errors import ReconcileError
from reconciler.structs.manifests import LoadedEnvironment


@dataclass(frozen=True)
class DriftRequest(RecordsPlace):
    root: Path
    environment: str
    sandbox: bool = False
    commit: bool = False
    push: bool = False
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    lock_timeout: float = DEFAULT_TIMEOUT
    remote: str = DEFAULT_REMOTE  # where a finding is pushed and the lease held (--remote)


def run_drift(request: DriftRequest) -> DriftReport:
    loaded = load_environment(request.root, request.environment)
    if request.pushes_back:  # a remote that is not there: refused before the Gateway is asked
        check_writeback(request.root, push=True, remote=request.remote)
    # Drift checks need only the OAuth client, like plans: unset provider keys are not compared.
    require_references(loaded, request.environ, sandbox=request.sandbox, models=False)
    unset: dict[str, list[str]] = {}
    desired = desired_models(loaded, request.environ, sandbox=request.sandbox, unset=unset)
    snapshot = read_snapshot(request.records, request.environment)
    sandbox_root = request.root if request.sandbox else None
    with open_client(loaded.config, environ=request.environ, sandbox_root=sandbox_root) as client:
        live = list(client.list_models())
        health = _health(loaded, client, now=request.now())
        ours = [
            m for m in live if is_managed(m) and environment_of(m) in (None, loaded.config.name)
        ]
        problems = {str(m.get("name")): health(m) for m in ours}
    desired, not_compared = without_unset_keys(desired, live, unset)
    plan = compute_plan(
        environment=request.environment,
        desired=desired,
        live=live,
        policy=loaded.config.policy,
        prune=False,
    )
    report = compute_drift(
        environment=request.environment,
        desired=desired,
        snapshot=list(snapshot.models) if snapshot else None,
        live=live,
        snapshot_serial=snapshot.serial if snapshot else None,
        health=lambda m: problems.get(str(m.get("name"))),
    )
    applied = list(snapshot.models) if snapshot else None
    plan = with_causes(plan, desired=desired, snapshot=applied, live=live)
    report = replace(report, plan=replace(plan, warnings=plan.warnings + not_compared))
    if request.writes_back and report.found:
        # The audit log is a hash chain: an apply appending at the same time would break it.
        me = Holder.for_run(
            actor=default_actor(request.root), run=str(uuid.uuid4()), environ=request.environ
        )
        settings = LockSettings(
            timeout=request.lock_timeout,
            remote=request.pushes_back,
            sandbox=request.sandbox,
            remote_name=request.remote,
        )
        with environment_lock(request.root, request.environment, me=me, settings=settings):
            commit_leftovers_first(
                request.root, request.environment, push=request.pushes_back, remote=request.remote
            )
            _record(request, report)
    return report


def _health(loaded: LoadedEnvironment, client: GatewayClient, *, now: datetime) -> HealthOf:
    """What is wrong with a managed live endpoint: its status, else its health check."""
    timeout = loaded.config.policy.provision_timeout_seconds
    check = health_check_for(loaded, client)

    def problem(live: Mapping[str, Any]) -> str | None:
        found = status_problem(live, now=now, timeout=timeout)
        if found or check is None or live.get("status") != "ACTIVE":
            return found
        verdict = check(str(live.get("name")), str(live.get("id")))
        return None if verdict is None or verdict[0] else f"health check failed: {verdict[1]}"

    return problem


def _record(request: DriftRequest, report: DriftReport) -> None:
    commit = head_commit(request.root)
    recorder = Recorder(
        audit_path(request.records, request.environment),
        environment=request.environment,
        actor=default_actor(request.root),
        git_commit=commit,
    )
    for item in report.items:
        if item.kind in (DriftKind.DRIFTED, DriftKind.MISSING, DriftKind.UNHEALTHY):
            fields = ", ".join(c.dotted for c in item.changes) or (item.note or "")
            recorder.record_drift(
                item.name, item.model_id, item.changes, f"{item.kind.value}: {fields}"
            )
    counts = {k.value: len(report.of(k)) for k in DriftKind if k is not DriftKind.IN_SYNC}
    summary = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
    _, pushed = commit_and_push(
        request.root,
        request.environment,
        message=f"reconcile({request.environment}): drift detected: {summary} [skip ci]",
        push=request.pushes_back,
        remote=request.remote,
    )
    if pushed is not None and not pushed.pushed:
        raise ReconcileError(f"the drift record was committed but not pushed: {pushed.detail}")
