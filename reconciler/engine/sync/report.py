"""What one sync round did, as a value: the loop, the metrics, the notifications, the log and
the service's status page all read this and nothing else of the round."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from reconciler.structs.manifests import SyncPolicy


class RoundOutcome(StrEnum):
    IN_SYNC = "in-sync"
    OUT_OF_SYNC = "out-of-sync"  # changes pending that policy.sync leaves alone
    BLOCKED = "blocked"  # the plan is refused (budget, protected endpoint, delete without prune)
    APPLIED = "applied"
    INCOMPLETE = "incomplete"  # applied, but something failed or is still pending
    FAILED = "failed"  # the round could not finish: git, the API, the lock, bad input
    STOPPED = "stopped"  # a signal arrived between two steps; nothing was left half done


@dataclass(frozen=True)
class Change:
    """One write a round made, as notifications and logs carry it (never a value)."""

    name: str
    action: str
    state: str
    ok: bool
    error: str | None = None


@dataclass(frozen=True)
class RoundReport:
    environment: str
    number: int
    outcome: RoundOutcome
    started: float  # epoch seconds
    ms: float
    commit: str | None = None
    pulled: int = 0
    pending: int = 0
    drifted: tuple[str, ...] = ()
    healed: tuple[str, ...] = ()
    changes: tuple[Change, ...] = ()
    states: Mapping[str, int] = field(default_factory=dict)
    policy: SyncPolicy | None = None
    error: str | None = None
    notices: tuple[str, ...] = ()  # what the round put right on its way (a crash's records)
    exit_code: int = 0  # what ``sync --once`` exits with (CONTRACT section 4)

    @property
    def in_sync(self) -> bool:
        return self.outcome in (RoundOutcome.IN_SYNC, RoundOutcome.APPLIED) and not self.pending

    def as_dict(self) -> dict[str, object]:
        return {
            "environment": self.environment,
            "round": self.number,
            "outcome": self.outcome.value,
            "inSync": self.in_sync,
            "started": self.started,
            "ms": round(self.ms, 1),
            "commit": self.commit,
            "pulled": self.pulled,
            "pending": self.pending,
            "drifted": list(self.drifted),
            "healed": list(self.healed),
            "changes": [c.__dict__ for c in self.changes],
            "models": dict(self.states),
            "error": self.error,
            "notices": list(self.notices),
        }
