"""The main job: plan an environment, and unless it is a dry run, apply it and record it.

The CLI supplies three callbacks (show the plan, ask for confirmation, show progress) so this
module never touches the terminal, and gets back an exit code. A dry run imports only what
planning needs: the apply's side (the lock, the applier and its threads, the recorder, git)
is ``applyjob``'s, imported when a run applies, and was a third of a dry run's start-up.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reconciler.engine.connect import open_client
from reconciler.engine.events import EventSink, ignore
from reconciler.engine.prepare import Prepared, prepare
from reconciler.engine.secrets import require_references
from reconciler.gateway import GatewayClient
from reconciler.gitops.locksettings import DEFAULT_TIMEOUT, DEFAULT_TTL
from reconciler.manifests import load_environment
from reconciler.structs.errors import ExitCode
from reconciler.structs.manifests import LoadedEnvironment
from reconciler.structs.outcome import ApplyResult
from reconciler.structs.plan import Plan

if TYPE_CHECKING:
    from reconciler.engine.apply import ApplySettings
    from reconciler.engine.settle import HealthCheck

Planned = Callable[[Prepared, GatewayClient], int]


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
    # Which of the plan's changes this run may make, decided under the lock from the fresh
    # plan: the sync agent holds back drift unless policy.sync.selfHeal (engine/sync/causes).
    admit: Callable[[Prepared], Prepared] = lambda prepared: prepared
    # How the manifests are read: the sync agent reuses them while HEAD has not moved.
    load: Callable[[Path, str], LoadedEnvironment] = load_environment
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    on_wait: Callable[[str], None] = lambda _m: None  # waiting for the environment lock


def run_job(request: JobRequest, hooks: JobHooks) -> int:
    """Plan, show, and apply when asked; returns the exit code of CONTRACT section 4.

    Everything but a dry run holds the environment's lock from before the live state is read
    until the state is recorded, so two runs never plan against the same live state.
    """
    if request.dry_run:
        return plan_job(request, hooks, then=_dry_run_verdict)
    from reconciler.engine.applyjob import run_locked  # noqa: PLC0415 (see the docstring)

    return run_locked(request, hooks)


def plan_job(request: JobRequest, hooks: JobHooks, *, then: Planned) -> int:
    """Load, plan against what is live, show the plan, and hand it to ``then``."""
    loaded = hooks.load(request.root, request.environment)
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
        hooks.show_plan(prepared.plan)
        return then(prepared, client)


def _dry_run_verdict(prepared: Prepared, _client: GatewayClient) -> int:
    plan = prepared.plan
    pending = ExitCode.CHANGES_PENDING if plan.has_changes else ExitCode.OK
    return int(ExitCode.BLOCKED if plan.refused else pending)
