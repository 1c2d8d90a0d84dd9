"""The plan job: load the environment, plan against what is live, show it, hand it on.

A dry run is this job alone; an apply runs it inside the environment's lock
(``applyjob``) and hands the plan to the applier. It imports only what planning needs.
"""

from __future__ import annotations

from collections.abc import Callable

from reconciler.engine.apply.connect import open_client
from reconciler.engine.jobs.request import JobHooks, JobRequest
from reconciler.engine.plan.prepare import Prepared, prepare
from reconciler.engine.plan.saved_plan import require_fresh
from reconciler.engine.plan.secrets import require_references
from reconciler.engine.plan.targets import limit_to
from reconciler.gateway import GatewayClient
from reconciler.structs.errors import ExitCode

Planned = Callable[[Prepared, GatewayClient], int]


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
            records=request.records,
            keys_optional=request.dry_run,
        )
        prepared = limit_to(prepared, request.targets)
        if request.saved is not None:
            require_fresh(request.saved, prepared.plan)
        hooks.show_plan(prepared.plan)
        return then(prepared, client)


def dry_run_verdict(prepared: Prepared, _client: GatewayClient) -> int:
    """A dry run's exit code: 0 in sync, 2 changes pending, 4 refused by policy."""
    plan = prepared.plan
    pending = ExitCode.CHANGES_PENDING if plan.has_changes else ExitCode.OK
    return int(ExitCode.BLOCKED if plan.refused else pending)
