"""What happened to each model during an apply, and the exit code that follows.

``State`` is the one list of the states a model goes through in an apply: the engine sets
them, progress events carry them, reporters show them. Whether a state is final or a failure
is decided here, never by string lists elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from reconciler.structs.errors import ExitCode
from reconciler.structs.plan import Action, Plan


class State(StrEnum):
    """Where one planned change is. Steps are lower case, states of the API upper case."""

    PENDING = "PENDING"
    CREATING = "creating"
    UPDATING = "updating"
    REPLACING = "replacing"
    DELETING = "deleting"
    WAITING = "waiting"
    ACTIVE = "ACTIVE"
    DELETED = "DELETED"
    HEALTHY = "healthy"
    UNHEALTHY = "unhealthy"
    FAILED = "FAILED"
    TIMEOUT = "TIMEOUT"
    ERROR = "ERROR"
    UNKNOWN = "UNKNOWN"
    INTERRUPTED = "INTERRUPTED"
    SKIPPED = "SKIPPED"

    @property
    def succeeded(self) -> bool:
        return self in (State.ACTIVE, State.DELETED, State.HEALTHY)

    @property
    def failed(self) -> bool:
        return self in _FAILURES

    @property
    def final(self) -> bool:
        """Nothing more will happen to the model in this run."""
        return self.succeeded or self.failed


_FAILURES = frozenset(
    {
        State.UNHEALTHY,
        State.FAILED,
        State.TIMEOUT,
        State.ERROR,
        State.UNKNOWN,
        State.INTERRUPTED,
        State.SKIPPED,
    }
)


@dataclass
class Outcome:
    """Final state of one planned change."""

    name: str
    action: Action
    state: State = State.PENDING
    model_id: str | None = None
    error: str | None = None
    correlation_id: str | None = None
    latency_ms: float | None = None
    health: str | None = None

    @property
    def ok(self) -> bool:
        return self.state in (State.ACTIVE, State.DELETED) and self.health != "FAILED"


@dataclass
class ApplyResult:
    """Outcomes of every write, in plan order, plus whether the run was interrupted.

    ``problems`` are failures after changes were made (reading status, writing the snapshot,
    committing or pushing): the apply happened, so they make it incomplete (exit 3), never
    "nothing was changed".
    """

    outcomes: list[Outcome] = field(default_factory=list)
    interrupted: bool = False
    snapshot_serial: int | None = None
    snapshot_file: str | None = None  # where it was written, from the checkout's root
    commit: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def exit_code(self) -> ExitCode:
        if self.interrupted:
            return ExitCode.INTERRUPTED
        if self.failures or self.problems:
            return ExitCode.INCOMPLETE
        return ExitCode.OK


@dataclass(frozen=True)
class Applied:
    """A plan and what applying it did: the value the apply reporters render."""

    plan: Plan
    result: ApplyResult
