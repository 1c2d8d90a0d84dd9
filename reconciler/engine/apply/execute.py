"""Execute a plan: writes in parallel, then provisioning polled to a final state.

Writes run in a thread pool of ``policy.maxParallel`` workers, paced by the client's shared
rate limiter; the main thread hands each accepted write to a ``Settler``, which polls until
the model is ACTIVE, FAILED or past its deadline. A failure of one model never stops the others.
Ctrl-C stops new writes, lets in-flight calls finish and records them.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from reconciler.engine.apply.poller import Poller, PollSettings
from reconciler.engine.apply.settle import HealthCheck, Settler, fail
from reconciler.engine.apply.writes import WriteContext, perform
from reconciler.engine.plan.prepare import Prepared
from reconciler.engine.record.events import Event, EventSink, ignore
from reconciler.engine.record.recorder import Recorder
from reconciler.gateway import GatewayClient
from reconciler.gateway.errors import Forbidden, Unauthorized
from reconciler.structs.errors import ReconcileError
from reconciler.structs.outcome import ApplyResult, Outcome, State
from reconciler.structs.plan import Action, PlanItem


@dataclass(frozen=True)
class ApplySettings:
    max_parallel: int = 8
    provision_timeout: float = 900.0
    delete_timeout: float = 300.0
    poll: PollSettings = field(default_factory=PollSettings)


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
        stopping: Callable[[], bool] = lambda: False,
        rng: random.Random | None = None,
    ) -> None:
        self._prepared = prepared
        self._client = client
        self._settings = settings
        self._recorder = recorder
        self._emit = on_event
        self._now = monotonic
        self._sleep = sleep
        self._stopping = stopping
        self._poller = Poller(client, settings=settings.poll, rng=rng)
        self._settler = Settler(
            self._poller,
            recorder=recorder,
            emit=on_event,
            health_check=health_check,
            now=monotonic,
            timeout=settings.provision_timeout,
        )
        self._stop = threading.Event()
        self._result = ApplyResult()
        self.auth_error: ReconcileError | None = None

    @property
    def result(self) -> ApplyResult:
        """What is known so far (also after ``run`` raised)."""
        return self._result

    def run(self) -> ApplyResult:
        items = [i for i in self._prepared.plan.items if _to_execute(i)]
        outcomes = {i.name: _outcome(i) for i in items}
        self._result.outcomes = list(outcomes.values())
        ctx = WriteContext(
            client=self._client,
            recorder=self._recorder,
            delete_timeout=self._settings.delete_timeout,
            poll_interval=self._settings.poll.initial,
            sleep=self._sleep,
            monotonic=self._now,
            stopping=self._stopping,
        )
        pool = ThreadPoolExecutor(
            max_workers=max(1, self._settings.max_parallel), thread_name_prefix="reconcile-write"
        )
        futures = {pool.submit(self._write, i, ctx): outcomes[i.name] for i in items}
        try:
            finished = self._loop(futures)
            skipped = any(o.state is State.PENDING for o in self._result.outcomes)
            if not finished or skipped:  # asked to stop, or writes not started because of it
                self._interrupt(pool, futures)
        except KeyboardInterrupt:
            self._interrupt(pool, futures)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return self._result

    def _write(self, item: PlanItem, ctx: WriteContext) -> str | None:
        if self._stop.is_set() or self._stopping():  # not started: SKIPPED by _interrupt
            return None
        if item.local_only:  # recorded by the snapshot that follows; the API holds none of it
            self._emit(Event(item.name, State.ACTIVE))
            return None
        self._emit(Event(item.name, _verb(item.action)))
        return perform(item, self._prepared.bodies.get(item.name), ctx)

    def _loop(self, futures: dict[Future[str | None], Outcome]) -> bool:
        """Collect writes as they finish and poll what is pending; False when asked to stop.

        While writes are still being sent, polls run at the slowest interval: they share the
        rate limit with the writes, and a model created early rarely decides the total time.
        Once the last write is out, polling speeds up with backoff and jitter.
        """
        running = dict(futures)
        next_poll = self._now()
        while running or self._settler.pending:
            if self._stopping():
                return False
            done, _ = wait(list(running), timeout=0) if running else (set(), set())
            for future in done:
                self._collect(future, running.pop(future))
            if self._settler.pending and (not running or self._now() >= next_poll):
                progressed = self._settler.poll_round()
                interval = self._poller.next_interval(progressed=progressed)
                if running:
                    interval = self._settings.poll.maximum
                next_poll = self._now() + interval
            if not running and not self._settler.pending:
                break
            if running:
                wait(
                    list(running), timeout=self._settings.poll.initial, return_when=FIRST_COMPLETED
                )
            else:
                self._sleep(max(0.0, next_poll - self._now()))
        return True

    def _collect(self, future: Future[str | None], outcome: Outcome) -> None:
        try:
            model_id = future.result()
        except (ReconcileError, TimeoutError) as exc:
            if isinstance(exc, Unauthorized | Forbidden):
                self._stop.set()  # every other write would be refused the same way
                self.auth_error = self.auth_error or exc
            message = str(getattr(exc, "message", exc))
            fail(
                outcome, State.ERROR, message, getattr(exc, "correlation_id", None), emit=self._emit
            )
            return
        except Exception as exc:  # a bug or a hostile reply: this item fails, the rest go on
            message = f"unexpected error: {type(exc).__name__}: {exc}"
            fail(outcome, State.ERROR, message, None, emit=self._emit)
            return
        if model_id is not None:
            self._settler.track(model_id, outcome)

    def _interrupt(
        self, pool: ThreadPoolExecutor, futures: dict[Future[str | None], Outcome]
    ) -> None:
        self._stop.set()
        self._result.interrupted = True
        pool.shutdown(wait=True, cancel_futures=True)
        for future, outcome in futures.items():
            if future.done() and not future.cancelled() and outcome.state is State.PENDING:
                self._collect(future, outcome)
        for pending in self._settler.pending.values():
            pending.outcome.state = State.INTERRUPTED
            pending.outcome.error = "accepted, still in progress; the next run waits for it"
        for outcome in self._result.outcomes:
            if outcome.state is State.PENDING:
                outcome.state, outcome.error = State.SKIPPED, "not started (interrupted)"


def _outcome(item: PlanItem) -> Outcome:
    """Where an item starts; one with only reconciler-side changes is done once recorded."""
    state = State.ACTIVE if item.local_only else State.PENDING
    return Outcome(name=item.name, action=item.action, model_id=item.model_id, state=state)


def _to_execute(item: PlanItem) -> bool:
    if item.blocked:
        return False
    return item.action.writes or item.in_progress


def _verb(action: Action) -> State:
    return {
        Action.CREATE: State.CREATING,
        Action.UPDATE: State.UPDATING,
        Action.REPLACE: State.REPLACING,
        Action.DELETE: State.DELETING,
    }.get(action, State.WAITING)
