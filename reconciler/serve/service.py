"""The service's state for its whole life: settings, tokens, caches, locks, jobs, metrics.

One ``Service`` per running server. Routes receive it through the application and hold no
state of their own, so a test can build a service on a temporary repository and a sandbox.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections import defaultdict
from collections.abc import Callable

from reconciler.engine.apply.health import guarded_health_check
from reconciler.engine.jobs.request import JobHooks, JobRequest
from reconciler.engine.record.leftovers import commit_leftovers_locked
from reconciler.gitops.preflight import check_writeback
from reconciler.guard import accelerate
from reconciler.manifests import list_environments
from reconciler.serve.branches import Served, open_served, recover_switch
from reconciler.serve.checkout import ServingMark
from reconciler.serve.connections import Connections
from reconciler.serve.jobs import Job, Jobs, JobStore
from reconciler.serve.metrics import Metrics
from reconciler.serve.overview import CostHistory
from reconciler.serve.ratelimit import RateLimiter
from reconciler.serve.settings import ServeSettings
from reconciler.serve.syncing import SyncAgents
from reconciler.serve.tokens import TokenStore, read_tokens, sandbox_tokens
from reconciler.structs.errors import ReconcileError

log = logging.getLogger("reconciler.serve")


def _stderr(line: str) -> None:
    """Job lines go to stderr beside the access log and the sync rounds' lines."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


class Service:
    """Everything the routes share."""

    def __init__(self, settings: ServeSettings, *, job_hooks: JobHooks | None = None) -> None:
        settings.check()
        self.settings = settings
        self.tokens: TokenStore = (
            read_tokens(settings.tokens) if settings.tokens else sandbox_tokens()
        )
        self.served: Served = open_served(settings.root)
        if settings.push:  # a remote that is not there fails at start-up, not on each request
            check_writeback(settings.root, push=True, remote=settings.remote)
        self.limiter = RateLimiter(settings.requests_per_minute)
        self.failed_logins = RateLimiter(settings.login_failures_per_minute)
        self.connections = Connections(settings)
        self.metrics = Metrics()
        self.jobs = Jobs(on_finish=self._finished, store=JobStore(settings.root), log=_stderr)
        self.metrics.running.set_function(self.jobs.running)
        self.cost_history = CostHistory()
        self._job_hooks = job_hooks or JobHooks(
            show_plan=lambda _p: None,
            confirm=lambda _p: True,
            make_health_check=guarded_health_check,
        )
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._locks_lock = threading.Lock()
        self.sync = SyncAgents(settings, self.metrics.registry)
        self.mark = ServingMark(self.served)

    def start(self) -> None:
        self.mark.take(sandbox=self.settings.sandbox)
        recover_switch(self.served)  # a kill -9 midway through an apply's switch
        self.commit_leftovers()
        self.connections.start()
        # The guard's one-pass matcher takes a few seconds of one core to compile; the
        # service scans every invocation, so it builds it now, in the background.
        accelerate()
        self.sync.start()

    def commit_leftovers(self) -> None:
        """Commit (and push) the records a job killed with the service left in the served
        checkout, before the first request; each job does the same first (``run_locked``).
        A ``--sandbox`` service commits no records: its own stay under ``.reconciler/sandbox/``
        and those in ``state/`` are a real run's, for a real run to commit."""
        if self.settings.sandbox:
            return
        for env in list_environments(self.settings.root):
            with self.lock(env):
                try:
                    commit_leftovers_locked(
                        self.settings.root,
                        env,
                        push=self.settings.push,
                        notify=log.warning,
                        remote=self.settings.remote,
                    )
                except ReconcileError as exc:
                    log.error("state/%s: %s", env, exc.render())

    def close(self) -> None:
        """Stop after the server stopped taking requests: agents at their next step, jobs
        finished or checkpointed (``Jobs.stop``), every record written and committed."""
        self.sync.ask_to_stop()
        still = self.jobs.stop(finish=self.settings.stop_grace)
        if still:
            log.warning(
                "stopping with job(s) %s still running; their records are committed when the "
                "service starts again",
                ", ".join(still),
            )
        self.sync.stop()  # between two steps of a round; a round's records are finished first
        self.connections.close()
        self.mark.release()

    def lock(self, env: str) -> threading.Lock:
        """The lock that serialises git writes and apply jobs of one environment."""
        with self._locks_lock:
            return self._locks[env]

    def start_job(
        self,
        env: str,
        request: JobRequest,
        *,
        actor: str | None = None,
        commit: str | None = None,
        check: Callable[[], None] = lambda: None,
    ) -> Job:
        self.metrics.jobs.labels(status="started").inc()
        return self.jobs.start(
            env,
            request,
            lock=self.lock(env),
            hooks=self._job_hooks,
            actor=actor,
            commit=commit,
            check=check,
        )

    def _finished(self, job: Job) -> None:
        self.metrics.jobs.labels(status=job.status.value.lower()).inc()
