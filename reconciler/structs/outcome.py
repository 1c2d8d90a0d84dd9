"""What happened to each model during an apply, and the exit code that follows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reconciler.structs.errors import ExitCode
from reconciler.structs.plan import Action

SUCCESS_STATES = ("ACTIVE", "DELETED")


@dataclass
class Outcome:
    """Final state of one planned change."""

    name: str
    action: Action
    state: str = "PENDING"
    model_id: str | None = None
    error: str | None = None
    correlation_id: str | None = None
    latency_ms: float | None = None
    health: str | None = None

    @property
    def ok(self) -> bool:
        return self.state in SUCCESS_STATES and self.health != "FAILED"


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
