"""What a job is asked to do (``JobRequest``) and how its caller shows and asks (``JobHooks``).

Its own home because every job and every caller (the CLI, the service, the sync agent) needs
these two types, while the jobs themselves import each other only downwards: the main job
dispatches to the plan job or the apply job, and the apply job plans through the plan job.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reconciler.engine.plan.prepare import Prepared
from reconciler.engine.plan.saved_plan import SavedPlan
from reconciler.engine.record.events import EventSink, ignore
from reconciler.engine.record.place import RecordsPlace
from reconciler.gateway import GatewayClient
from reconciler.gitops.locksettings import DEFAULT_REMOTE, DEFAULT_TIMEOUT, DEFAULT_TTL
from reconciler.manifests import load_environment
from reconciler.structs.manifests import LoadedEnvironment
from reconciler.structs.outcome import ApplyResult
from reconciler.structs.plan import Plan

if TYPE_CHECKING:
    from reconciler.engine.apply.execute import ApplySettings
    from reconciler.engine.apply.settle import HealthCheck


@dataclass(frozen=True)
class JobRequest(RecordsPlace):
    """What the user asked for, already parsed; ``records``, ``writes_back`` and
    ``pushes_back`` say where its records go (``engine.record.place``)."""

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
    remote: str = DEFAULT_REMOTE  # where records are pushed and the lease is held (--remote)
    targets: tuple[str, ...] = ()  # only these models (--target); empty: every model
    saved: SavedPlan | None = None  # apply only if a fresh plan equals this one (--plan)
    # Who caused the run, for the audit log and the lock (default: ``default_actor``), and the
    # author of its state commit (default: the bot); ``reconcile serve`` names its caller.
    actor: str | None = None
    author: str | None = None


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
    # Asked to stop (the service is shutting down): the apply sends no new write, lets the
    # calls in flight finish and records what happened, as after Ctrl-C (exit 130).
    stopping: Callable[[], bool] = lambda: False
    on_wait: Callable[[str], None] = lambda _m: None  # waiting for the environment lock
    on_notice: Callable[[str], None] = lambda _m: None  # e.g. a crashed run's records committed
