"""The main job: plan an environment, and unless it is a dry run, apply it and record it.

The CLI supplies three callbacks (show the plan, ask for confirmation, show progress) so this
module never touches the terminal, and gets back an exit code.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from reconciler.engine.apply import Applier, ApplySettings
from reconciler.engine.connect import open_client
from reconciler.engine.events import EventSink, ignore
from reconciler.engine.prepare import Prepared, prepare
from reconciler.engine.recorder import Recorder
from reconciler.engine.recovery import record_recovered
from reconciler.engine.secrets import require_references
from reconciler.engine.settle import HealthCheck
from reconciler.engine.writeback import manifests_commit, record_state
from reconciler.gateway import GatewayClient
from reconciler.gitops.audit import default_actor
from reconciler.gitops.chain import audit_path
from reconciler.gitops.holder import Holder
from reconciler.gitops.lock import (
    DEFAULT_TIMEOUT,
    DEFAULT_TTL,
    Held,
    LockSettings,
    environment_lock,
)
from reconciler.gitops.preflight import check_writeback
from reconciler.manifests import load_environment, require_known
from reconciler.structs.errors import ConfigError, ExitCode, ReconcileError
from reconciler.structs.outcome import ApplyResult
from reconciler.structs.plan import Plan


@dataclass(frozen=True)
class JobRequest:
    """What the user asked for, already parsed."""

    root: Path
    environment: str
    dry_run: bool = False
    sandbox: bool = False
    prune: bool = False
    commit: bool = False
    push: bool = False
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    lock_timeout: float = DEFAULT_TIMEOUT
    lock_ttl: float = DEFAULT_TTL


@dataclass(frozen=True)
class JobHooks:
    """How the caller shows things and asks questions."""

    show_plan: Callable[[Plan], None]
    confirm: Callable[[Plan], bool]
    show_result: Callable[[Plan, ApplyResult], None] = lambda _p, _r: None
    on_event: EventSink = ignore
    make_health_check: Callable[[Prepared, GatewayClient], HealthCheck | None] = lambda _p, _c: None
    apply_settings: Callable[[Prepared], ApplySettings] | None = None
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    on_wait: Callable[[str], None] = lambda _m: None  # waiting for the environment lock


def run_job(request: JobRequest, hooks: JobHooks) -> int:
    """Plan, show, and apply when asked; returns the exit code of CONTRACT section 4.

    Everything but a dry run holds the environment's lock from before the live state is read
    until the state is recorded, so two runs never plan against the same live state.
    """
    if request.dry_run:
        return _run(request, hooks, None)
    require_known(request.root, [request.environment])
    if request.commit or request.push:
        check_writeback(request.root, push=request.push)
    run_id = str(uuid.uuid4())
    me = Holder.for_run(actor=default_actor(request.root), run=run_id, environ=request.environ)
    settings = LockSettings(timeout=request.lock_timeout, ttl=request.lock_ttl, remote=request.push)
    with environment_lock(
        request.root, request.environment, me=me, settings=settings, on_wait=hooks.on_wait
    ) as held:
        return _run(request, hooks, _Locked(run_id, held))


@dataclass(frozen=True)
class _Locked:
    run_id: str
    held: Held


def _run(request: JobRequest, hooks: JobHooks, locked: _Locked | None) -> int:
    loaded = load_environment(request.root, request.environment)
    # A dry run needs only the OAuth client: provider keys are compared where they are set.
    require_references(loaded, request.environ, sandbox=request.sandbox, models=not request.dry_run)
    sandbox_root = request.root if request.sandbox else None
    with open_client(loaded.config, environ=request.environ, sandbox_root=sandbox_root) as client:
        prepared = prepare(
            loaded,
            client,
            environ=request.environ,
            sandbox=request.sandbox,
            prune=request.prune,
            root=request.root,
            keys_optional=request.dry_run,
        )
        plan = prepared.plan
        hooks.show_plan(plan)
        blocked = plan.refused
        if locked is None:
            pending = ExitCode.CHANGES_PENDING if plan.has_changes else ExitCode.OK
            return int(ExitCode.BLOCKED if blocked else pending)
        if blocked or (not plan.has_changes and not _in_progress(plan)):
            _record_unaccounted(request, prepared, client, locked)
            return int(ExitCode.BLOCKED if blocked else ExitCode.OK)
        if not hooks.confirm(plan):
            raise ConfigError("apply cancelled; nothing was changed")
        result = _apply(request, prepared, client, hooks, locked)
        hooks.show_result(plan, result)
        return int(result.exit_code)


def _recorder(request: JobRequest, env: str, commit: str | None, run_id: str) -> Recorder:
    return Recorder(
        audit_path(request.root, env),
        environment=env,
        actor=default_actor(request.root),
        git_commit=commit,
        run_id=run_id,
    )


def _record_unaccounted(
    request: JobRequest, prepared: Prepared, client: GatewayClient, locked: _Locked
) -> None:
    """A run with nothing to apply still records what the log misses, and snapshots it: the
    rerun after a crash is what makes the crashed run's changes part of the record."""
    env = prepared.loaded.config.name
    commit = manifests_commit(request.root, env)
    recorder = _recorder(request, env, commit, locked.run_id)
    holders = locked.held.interrupted
    if not record_recovered(
        request.root, prepared=prepared, recorder=recorder, lock_holders=holders
    ):
        return
    result = ApplyResult()
    _record(
        request, prepared=prepared, client=client, recorder=recorder, result=result, commit=commit
    )
    if result.problems:
        raise ConfigError("; ".join(result.problems))


def _apply(
    request: JobRequest,
    prepared: Prepared,
    client: GatewayClient,
    hooks: JobHooks,
    locked: _Locked,
) -> ApplyResult:
    """Run the applier, then record state whatever happened: a crash or an API failure half
    way still leaves a snapshot of what is live and an audit entry for the run. A run that
    changed nothing and found nothing unrecorded writes no snapshot."""
    config = prepared.loaded.config
    commit = manifests_commit(request.root, config.name)
    recorder = _recorder(request, config.name, commit, locked.run_id)
    holders = locked.held.interrupted
    record_recovered(request.root, prepared=prepared, recorder=recorder, lock_holders=holders)
    applier = Applier(
        prepared,
        client,
        settings=_settings(prepared, hooks),
        recorder=recorder,
        on_event=hooks.on_event,
        health_check=hooks.make_health_check(prepared, client),
        sleep=hooks.sleep,
        monotonic=hooks.monotonic,
    )
    result = applier.result
    try:
        applier.run()
    except KeyboardInterrupt:  # a second Ctrl-C while in-flight calls were finishing
        result.interrupted = True
    except ReconcileError as exc:
        result.problems.append(f"apply stopped: {exc.render()}")
    finally:
        if applier.auth_error is not None and recorder.entries == 0:
            recorder.withdraw_intents()
            raise applier.auth_error  # refused before any change: exit 5, nothing changed
        result.problems.extend(locked.held.problems())
        if recorder.entries or any(o.ok for o in result.outcomes):
            _record(
                request,
                prepared=prepared,
                client=client,
                recorder=recorder,
                result=result,
                commit=commit,
            )
    return result


def _record(
    request: JobRequest,
    *,
    prepared: Prepared,
    client: GatewayClient,
    recorder: Recorder,
    result: ApplyResult,
    commit: str | None,
) -> None:
    record_state(
        request.root,
        prepared=prepared,
        client=client,
        recorder=recorder,
        result=result,
        git_commit=commit,
        commit=request.commit,
        push=request.push,
    )


def _settings(prepared: Prepared, hooks: JobHooks) -> ApplySettings:
    if hooks.apply_settings:
        return hooks.apply_settings(prepared)
    policy = prepared.loaded.config.policy
    return ApplySettings(
        max_parallel=policy.max_parallel, provision_timeout=policy.provision_timeout_seconds
    )


def _in_progress(plan: Plan) -> bool:
    return any(i.in_progress for i in plan.items)
