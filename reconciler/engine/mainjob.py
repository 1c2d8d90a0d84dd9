"""The main job: plan an environment, and unless it is a dry run, apply it and record it.

The CLI supplies three callbacks (show the plan, ask for confirmation, show progress) so this
module never touches the terminal, and gets back an exit code.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from reconciler.engine.accounting import cause_of, interrupted_runs, unaccounted_changes
from reconciler.engine.apply import Applier, ApplySettings
from reconciler.engine.connect import open_client
from reconciler.engine.events import EventSink, ignore
from reconciler.engine.normalize import comparable
from reconciler.engine.prepare import Prepared, prepare
from reconciler.engine.recorder import Recorder
from reconciler.engine.secrets import require_references
from reconciler.engine.settle import HealthCheck
from reconciler.engine.writeback import manifests_commit, record_state
from reconciler.gateway import GatewayClient
from reconciler.gitops.audit import default_actor
from reconciler.gitops.chain import audit_path
from reconciler.gitops.preflight import check_writeback
from reconciler.manifests import load_environment
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


def run_job(request: JobRequest, hooks: JobHooks) -> int:
    """Plan, show, and apply when asked; returns the exit code of CONTRACT section 4."""
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
        if request.dry_run:
            pending = ExitCode.CHANGES_PENDING if plan.has_changes else ExitCode.OK
            return int(ExitCode.BLOCKED if blocked else pending)
        if blocked or (not plan.has_changes and not _in_progress(plan)):
            _record_unaccounted(request, prepared, client)
            return int(ExitCode.BLOCKED if blocked else ExitCode.OK)
        if request.commit or request.push:
            check_writeback(request.root, push=request.push)
        if not hooks.confirm(plan):
            raise ConfigError("apply cancelled; nothing was changed")
        result = _apply(request, prepared, client, hooks)
        hooks.show_result(plan, result)
        return int(result.exit_code)


def _recorder(request: JobRequest, env: str, commit: str | None) -> Recorder:
    return Recorder(
        audit_path(request.root, env),
        environment=env,
        actor=default_actor(request.root),
        git_commit=commit,
    )


def _recover(request: JobRequest, prepared: Prepared, recorder: Recorder) -> int:
    """MODEL_RECOVERED entries for live changes the log does not account for (see
    ``accounting``); returns how many were written."""
    env = prepared.loaded.config.name
    found = unaccounted_changes(request.root, env, prepared.live.values())
    if not found:
        return 0
    cause = cause_of(interrupted_runs(request.root, env))
    live = {str(m.get("id")): m for m in prepared.live.values()}
    for change in found:
        recorder.record(
            "MODEL_RECOVERED",
            item=None,
            name=change.name,
            model_id=change.model_id,
            result=change.describe(cause),
            payload=comparable(live.get(change.model_id, {})),
        )
    return len(found)


def _record_unaccounted(request: JobRequest, prepared: Prepared, client: GatewayClient) -> None:
    """A run with nothing to apply still records what the log misses, and snapshots it: the
    rerun after a crash is what makes the crashed run's changes part of the record."""
    env = prepared.loaded.config.name
    commit = manifests_commit(request.root, env)
    recorder = _recorder(request, env, commit)
    if not _recover(request, prepared, recorder):
        return
    if request.commit or request.push:
        check_writeback(request.root, push=request.push)
    result = ApplyResult()
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
    if result.problems:
        raise ConfigError("; ".join(result.problems))


def _apply(
    request: JobRequest, prepared: Prepared, client: GatewayClient, hooks: JobHooks
) -> ApplyResult:
    """Run the applier, then record state whatever happened: a crash or an API failure half
    way still leaves a snapshot of what is live and an audit entry for the run. A run that
    changed nothing and found nothing unrecorded writes no snapshot."""
    config = prepared.loaded.config
    commit = manifests_commit(request.root, config.name)
    recorder = _recorder(request, config.name, commit)
    _recover(request, prepared, recorder)
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
        if recorder.entries or any(o.ok for o in result.outcomes):
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
    return result


def _settings(prepared: Prepared, hooks: JobHooks) -> ApplySettings:
    if hooks.apply_settings:
        return hooks.apply_settings(prepared)
    policy = prepared.loaded.config.policy
    return ApplySettings(
        max_parallel=policy.max_parallel, provision_timeout=policy.provision_timeout_seconds
    )


def _in_progress(plan: Plan) -> bool:
    return any(i.in_progress for i in plan.items)
