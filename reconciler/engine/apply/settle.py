"""Follow accepted writes to a final state: ACTIVE, FAILED, gone, or past the deadline.

The applier hands every accepted write to a ``Settler``; each poll round reads the pending
models that are due (see ``poller``), records PROVISION_FAILED or PROVISION_TIMEOUT in the audit
log, runs the health check of a model that became ACTIVE, and reports progress as events.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.engine.apply.poller import Poller
from reconciler.engine.record.events import Event, EventSink
from reconciler.engine.record.recorder import Recorder
from reconciler.structs.errors import ReconcileError
from reconciler.structs.outcome import Outcome, State
from reconciler.structs.plan import Action

HealthCheck = Callable[[str, str], tuple[bool, str] | None]
IN_FLIGHT = ("PROVISIONING", "UPDATING", "DELETING")


@dataclass
class Pending:
    outcome: Outcome
    deadline: float
    started: float


class Settler:
    """The models whose writes were accepted and whose final state is not known yet."""

    def __init__(
        self,
        poller: Poller,
        *,
        recorder: Recorder,
        emit: EventSink,
        health_check: HealthCheck | None,
        now: Callable[[], float],
        timeout: float,
    ) -> None:
        self._poller, self._recorder, self._emit = poller, recorder, emit
        self._health, self._now, self._timeout = health_check, now, timeout
        self.pending: dict[str, Pending] = {}

    def track(self, model_id: str, outcome: Outcome) -> None:
        now = self._now()
        outcome.model_id = model_id
        self.pending[model_id] = Pending(outcome, now + self._timeout, now)

    def poll_round(self) -> bool:
        """One round; True when any model reached a final state. When status cannot be read
        (API down past the client's retries) the pending models end as UNKNOWN, so the run
        still finishes and is recorded."""
        try:
            return self._poll_round()
        except ReconcileError as exc:
            for pending in self.pending.values():
                fail(
                    pending.outcome,
                    State.UNKNOWN,
                    f"status could not be read: {exc.message}",
                    getattr(exc, "correlation_id", None),
                    emit=self._emit,
                )
            self.pending.clear()
            return True

    def _poll_round(self) -> bool:
        if not self.pending:
            return False
        progressed = False
        now = self._now()
        accepted = {model_id: p.started for model_id, p in self.pending.items()}
        for model_id, model in self._poller.poll(accepted, now=now).items():
            pending = self.pending[model_id]
            status = "GONE" if model is None else str(model.get("status", ""))
            if status in IN_FLIGHT and self._now() < pending.deadline:
                continue
            progressed = True
            del self.pending[model_id]
            self._poller.finished(model_id, now=now)
            self._finish(pending, status, model or {})
        return progressed

    def _finish(self, pending: Pending, status: str, model: Mapping[str, Any]) -> None:
        outcome = pending.outcome
        outcome.latency_ms = (self._now() - pending.started) * 1000
        if outcome.action is Action.DELETE and status == "GONE":
            outcome.state = State.DELETED
            self._emit(Event(outcome.name, State.DELETED))
        elif status == "ACTIVE" and outcome.action is not Action.DELETE:
            outcome.state = State.ACTIVE
            self._emit(Event(outcome.name, State.ACTIVE))
            self._check_health(outcome)
        elif status in IN_FLIGHT:
            detail = f"not finished after {self._timeout:.0f}s (still {status})"
            fail(outcome, State.TIMEOUT, detail, None, emit=self._emit)
            self._recorder.record(
                "PROVISION_TIMEOUT",
                item=None,
                name=outcome.name,
                model_id=outcome.model_id,
                result=detail,
            )
        else:
            reason = str(model.get("errorReason") or f"endpoint is {status}")
            correlation = _correlation(model)
            fail(outcome, State.FAILED, reason, correlation, emit=self._emit)
            self._recorder.record(
                "PROVISION_FAILED",
                item=None,
                name=outcome.name,
                model_id=outcome.model_id,
                result=f"FAILED: {reason}",
                correlation_id=correlation,
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
        self._emit(Event(outcome.name, State.HEALTHY if healthy else State.UNHEALTHY, detail))


def fail(
    outcome: Outcome, state: State, error: str, correlation: str | None, *, emit: EventSink
) -> None:
    outcome.state, outcome.error, outcome.correlation_id = state, error, correlation
    emit(Event(outcome.name, state, error))


def _correlation(model: Mapping[str, Any]) -> str | None:
    errors = model.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], Mapping):
        value = errors[0].get("contextId")
        return str(value) if value else None
    return None
