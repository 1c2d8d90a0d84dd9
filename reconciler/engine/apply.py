"""Execute a plan: writes in parallel, then provisioning polled to a final state.

Writes run in a thread pool of ``policy.maxParallel`` workers, paced by the client's shared
rate limiter; the main thread polls everything pending (paged list calls when many) until each
model is ACTIVE, FAILED or past its deadline. A failure of one model never stops the others.
Ctrl-C stops new writes, lets in-flight calls finish and records them.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from reconciler.engine.events import Event, EventSink, ignore
from reconciler.engine.poller import Poller, PollSettings
from reconciler.engine.prepare import Prepared
from reconciler.engine.recorder import Recorder
from reconciler.engine.writes import WriteContext, perform
from reconciler.gateway import GatewayClient
from reconciler.structs.errors import ReconcileError
from reconciler.structs.outcome import ApplyResult, Outcome
from reconciler.structs.plan import Action, PlanItem

HealthCheck = Callable[[str, str], tuple[bool, str] | None]
IN_FLIGHT = ("PROVISIONING", "UPDATING", "DELETING")


@dataclass(frozen=True)
class ApplySettings:
    max_parallel: int = 8
    provision_timeout: float = 900.0
    delete_timeout: float = 300.0
    poll: PollSettings = field(default_factory=PollSettings)


@dataclass
class _Pending:
    outcome: Outcome
    deadline: float
    started: float


class Applier:
    """One apply run. Build it, call ``run()`` once."""

    def __init__(
        self,
        prepared: Prepared,
        client: GatewayClient,
        *,
        settings: ApplySettings,
        recorder: Recorder,
        on_event: EventSink = ignore,
        health_check: HealthCheck | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._prepared = prepared
        self._client = client
        self._settings = settings
        self._recorder = recorder
        self._emit = on_event
        self._health = health_check
        self._now = monotonic
        self._sleep = sleep
        self._poller = Poller(client, settings=settings.poll, rng=rng)
        self._stop = threading.Event()
        self._pending: dict[str, _Pending] = {}
        self._result = ApplyResult()

    @property
    def result(self) -> ApplyResult:
        """What is known so far (also after ``run`` raised)."""
        return self._result

    def run(self) -> ApplyResult:
        items = [i for i in self._prepared.plan.items if _to_execute(i)]
        outcomes = {
            i.name: Outcome(name=i.name, action=i.action, model_id=i.model_id) for i in items
        }
        self._result.outcomes = list(outcomes.values())
        ctx = WriteContext(
            client=self._client,
            recorder=self._recorder,
            delete_timeout=self._settings.delete_timeout,
            poll_interval=self._settings.poll.initial,
            sleep=self._sleep,
            monotonic=self._now,
        )
        pool = ThreadPoolExecutor(
            max_workers=max(1, self._settings.max_parallel), thread_name_prefix="reconcile-write"
        )
        futures = {pool.submit(self._write, i, ctx): outcomes[i.name] for i in items}
        try:
            self._loop(futures)
        except KeyboardInterrupt:
            self._interrupt(pool, futures)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return self._result

    def _write(self, item: PlanItem, ctx: WriteContext) -> str | None:
        if self._stop.is_set():
            return None
        self._emit(Event(item.name, _verb(item.action)))
        return perform(item, self._prepared.bodies.get(item.name), ctx)

    def _loop(self, futures: dict[Future[str | None], Outcome]) -> None:
        """Collect writes as they finish and poll what is pending.

        While writes are still being sent, polls run at the slowest interval: they share the
        rate limit with the writes, and a model created early rarely decides the total time.
        Once the last write is out, polling speeds up with backoff and jitter.
        """
        running = dict(futures)
        next_poll = self._now()
        while running or self._pending:
            done, _ = wait(list(running), timeout=0) if running else (set(), set())
            for future in done:
                self._collect(future, running.pop(future))
            if self._pending and (not running or self._now() >= next_poll):
                progressed = self._safe_poll_round()
                interval = self._poller.next_interval(progressed=progressed)
                if running:
                    interval = self._settings.poll.maximum
                next_poll = self._now() + interval
            if not running and not self._pending:
                break
            if running:
                wait(
                    list(running), timeout=self._settings.poll.initial, return_when=FIRST_COMPLETED
                )
            else:
                self._sleep(max(0.0, next_poll - self._now()))

    def _collect(self, future: Future[str | None], outcome: Outcome) -> None:
        try:
            model_id = future.result()
        except (ReconcileError, TimeoutError) as exc:
            self._fail(
                outcome,
                "ERROR",
                str(getattr(exc, "message", exc)),
                getattr(exc, "correlation_id", None),
            )
            return
        if model_id is not None:
            outcome.model_id = model_id
            now = self._now()
            deadline = now + self._settings.provision_timeout
            self._pending[model_id] = _Pending(outcome, deadline, now)

    def _safe_poll_round(self) -> bool:
        """Poll; when status cannot be read (API down past the client's retries), the pending
        models end as UNKNOWN rather than aborting the run unrecorded."""
        try:
            return self._poll_round()
        except ReconcileError as exc:
            for pending in self._pending.values():
                self._fail(
                    pending.outcome,
                    "UNKNOWN",
                    f"status could not be read: {exc.message}",
                    getattr(exc, "correlation_id", None),
                )
            self._pending.clear()
            return True

    def _poll_round(self) -> bool:
        if not self._pending:
            return False
        states = self._poller.poll(self._pending)
        progressed = False
        for model_id, model in states.items():
            pending = self._pending[model_id]
            status = "GONE" if model is None else str(model.get("status", ""))
            if status in IN_FLIGHT and self._now() < pending.deadline:
                continue
            progressed = True
            del self._pending[model_id]
            self._finish(pending, status, model or {})
        return progressed

    def _finish(self, pending: _Pending, status: str, model: Mapping[str, Any]) -> None:
        outcome = pending.outcome
        outcome.latency_ms = (self._now() - pending.started) * 1000
        if outcome.action is Action.DELETE and status == "GONE":
            outcome.state = "DELETED"
            self._emit(Event(outcome.name, "DELETED"))
        elif status == "ACTIVE" and outcome.action is not Action.DELETE:
            outcome.state = "ACTIVE"
            self._emit(Event(outcome.name, "ACTIVE"))
            self._check_health(outcome)
        elif status in IN_FLIGHT:
            detail = f"not ACTIVE after {self._settings.provision_timeout:.0f}s (still {status})"
            self._fail(outcome, "TIMEOUT", detail, None)
            self._recorder.record(
                "PROVISION_TIMEOUT",
                item=None,
                name=outcome.name,
                model_id=outcome.model_id,
                result=detail,
            )
        else:
            reason = str(model.get("errorReason") or f"endpoint is {status}")
            self._fail(outcome, "FAILED", reason, _correlation(model))
            self._recorder.record(
                "PROVISION_FAILED",
                item=None,
                name=outcome.name,
                model_id=outcome.model_id,
                result=f"FAILED: {reason}",
                correlation_id=_correlation(model),
            )

    def _check_health(self, outcome: Outcome) -> None:
        if self._health is None or outcome.model_id is None:
            return
        verdict = self._health(outcome.name, outcome.model_id)
        if verdict is None:
            return
        healthy, detail = verdict
        outcome.health = "OK" if healthy else "FAILED"
        if not healthy:
            outcome.error = f"health check failed: {detail}"
        self._emit(Event(outcome.name, "healthy" if healthy else "unhealthy", detail))

    def _fail(self, outcome: Outcome, state: str, error: str, correlation: str | None) -> None:
        outcome.state, outcome.error, outcome.correlation_id = state, error, correlation
        self._emit(Event(outcome.name, state, error))

    def _interrupt(
        self, pool: ThreadPoolExecutor, futures: dict[Future[str | None], Outcome]
    ) -> None:
        self._stop.set()
        self._result.interrupted = True
        pool.shutdown(wait=True, cancel_futures=True)
        for future, outcome in futures.items():
            if future.done() and not future.cancelled() and outcome.state == "PENDING":
                self._collect(future, outcome)
        for pending in self._pending.values():
            pending.outcome.state = "INTERRUPTED"
            pending.outcome.error = "accepted, still in progress; the next run waits for it"
        for outcome in self._result.outcomes:
            if outcome.state == "PENDING":
                outcome.state, outcome.error = "SKIPPED", "not started (interrupted)"


def _to_execute(item: PlanItem) -> bool:
    if item.blocked:
        return False
    return item.action.writes or item.in_progress


def _verb(action: Action) -> str:
    return {
        Action.CREATE: "creating",
        Action.UPDATE: "updating",
        Action.REPLACE: "replacing",
        Action.DELETE: "deleting",
    }.get(action, "waiting")


def _correlation(model: Mapping[str, Any]) -> str | None:
    errors = model.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], Mapping):
        value = errors[0].get("contextId")
        return str(value) if value else None
    return None
