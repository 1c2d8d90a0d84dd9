"""The main job's apply: under the environment's lock, apply the plan and record it.

Imported by ``mainjob`` only when a run applies (a dry run has no use for the lock, git, the
applier's threads or the recorder). The plan is made inside the lock, from before the live
state is read until the state is recorded, so two runs never plan against the same live state.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from reconciler.engine.apply.execute import Applier, ApplySettings
from reconciler.engine.jobs.planjob import plan_job
from reconciler.engine.jobs.request import JobHooks, JobRequest
from reconciler.engine.plan.prepare import Prepared
from reconciler.engine.record.accounting import snapshot_behind
from reconciler.engine.record.leftovers import commit_leftovers_first
from reconciler.engine.record.recorder import Recorder
from reconciler.engine.record.recovery import record_recovered
from reconciler.engine.record.writeback import manifests_commit, record_state
from reconciler.gateway import GatewayClient
from reconciler.gitops.audit import default_actor
from reconciler.gitops.chain import audit_path
from reconciler.gitops.holder import Holder
from reconciler.gitops.lock import Held, environment_lock
from reconciler.gitops.locksettings import LockSettings
from reconciler.gitops.preflight import check_writeback
from reconciler.manifests import require_known
from reconciler.structs.errors import ConfigError, ExitCode, ReconcileError
from reconciler.structs.outcome import ApplyResult
from reconciler.structs.plan import Plan


@dataclass(frozen=True)
class _Locked:
    run_id: str
    held: Held


def run_locked(request: JobRequest, hooks: JobHooks) -> int:
    """Take the lock, plan, and apply what the plan says (after ``hooks.confirm``)."""
    require_known(request.root, [request.environment])
    if request.writes_back:
        check_writeback(request.root, push=request.pushes_back, remote=request.remote)
    run_id = str(uuid.uuid4())
    me = Holder.for_run(actor=_actor(request), run=run_id, environ=request.environ)
    settings = LockSettings(
        timeout=request.lock_timeout,
        ttl=request.lock_ttl,
        remote=request.pushes_back,
        sandbox=request.sandbox,
        remote_name=request.remote,
    )
    with environment_lock(
        request.root, request.environment, me=me, settings=settings, on_wait=hooks.on_wait
    ) as held:
        if request.writes_back:
            commit_leftovers_first(
                request.root,
                request.environment,
                push=request.pushes_back,
                killed=held.died_here,
                notify=hooks.on_notice,
                remote=request.remote,
            )
        locked = _Locked(run_id, held)
        return plan_job(
            request,
            hooks,
            then=lambda prepared, client: _apply_planned(request, hooks, locked, prepared, client),
        )


def _apply_planned(
    request: JobRequest,
    hooks: JobHooks,
    locked: _Locked,
    prepared: Prepared,
    client: GatewayClient,
) -> int:
    prepared = hooks.admit(prepared)
    plan = prepared.plan
    blocked = plan.refused
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
        audit_path(request.records, env),
        environment=env,
        actor=_actor(request),
        git_commit=commit,
        run_id=run_id,
    )


def _record_unaccounted(
    request: JobRequest, prepared: Prepared, client: GatewayClient, locked: _Locked
) -> None:
    """A run with nothing to apply still records what the log misses, and snapshots it: the
    rerun after a crash is what makes the crashed run's changes part of the record. In the
    crashed run's own checkout the log already holds its accepted writes, but no snapshot
    shows them: that rerun writes the snapshot too."""
    env = prepared.loaded.config.name
    commit = manifests_commit(request.root, env)
    recorder = _recorder(request, env, commit, locked.run_id)
    holders = locked.held.interrupted
    recovered = record_recovered(
        request.records, prepared=prepared, recorder=recorder, lock_holders=holders
    )
    if not recovered and not snapshot_behind(request.records, env):
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
    record_recovered(request.records, prepared=prepared, recorder=recorder, lock_holders=holders)
    applier = Applier(
        prepared,
        client,
        settings=_settings(prepared, hooks),
        recorder=recorder,
        on_event=hooks.on_event,
        health_check=hooks.make_health_check(prepared, client),
        sleep=hooks.sleep,
        monotonic=hooks.monotonic,
        stopping=hooks.stopping,
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
        records=request.records,
        prepared=prepared,
        client=client,
        recorder=recorder,
        result=result,
        git_commit=commit,
        commit=request.writes_back,
        push=request.pushes_back,
        author=request.author,
        remote=request.remote,
    )


def _actor(request: JobRequest) -> str:
    return request.actor or default_actor(request.root)


def _settings(prepared: Prepared, hooks: JobHooks) -> ApplySettings:
    if hooks.apply_settings:
        return hooks.apply_settings(prepared)
    policy = prepared.loaded.config.policy
    return ApplySettings(
        max_parallel=policy.max_parallel, provision_timeout=policy.provision_timeout_seconds
    )


def _in_progress(plan: Plan) -> bool:
    return any(i.in_progress for i in plan.items)
