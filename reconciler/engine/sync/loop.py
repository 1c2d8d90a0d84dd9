"""Rounds, one after another, until a signal: jitter on the interval, backoff on failures.

The waits are the loop's only clock, and both are injectable (``wait`` returns early when
``stop`` is called, so a SIGTERM between rounds ends the agent at once; one during a round is
honoured at the round's next step, never half way through recording). Jitter spreads the
rounds of many agents that started together; backoff keeps a broken Gateway or remote from
being asked every interval. Observers (metrics, notifications, the log) see each report and
can never stop the loop.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reconciler.engine.sync.report import RoundOutcome, RoundReport
from reconciler.engine.sync.round import SyncSettings, run_round

log = logging.getLogger(__name__)
Observer = Callable[[RoundReport], None]
BACKOFF_CAP = 300.0  # seconds: at most this long between rounds while they keep failing


@dataclass(frozen=True)
class Pace:
    """How often rounds run."""

    interval: float = 30.0
    jitter: float = 0.1  # each wait is the interval times a factor in [1 - jitter, 1 + jitter]
    cap: float = BACKOFF_CAP

    def delay(self, failures: int, draw: Callable[[float, float], float]) -> float:
        """The wait after a round; ``failures`` in a row double it, up to ``cap``."""
        base = self.interval * (2 ** min(failures, 16)) if failures else self.interval
        base = min(base, max(self.cap, self.interval))
        return max(0.0, base * draw(1 - self.jitter, 1 + self.jitter))


class SyncLoop:
    """An agent for one environment; ``run`` returns when ``stop`` is called (or after one
    round with ``once``)."""

    def __init__(
        self,
        settings: SyncSettings,
        *,
        pace: Pace | None = None,
        observers: Sequence[Observer] = (),
        run: Callable[..., RoundReport] = run_round,
        draw: Callable[[float, float], float] = random.uniform,
    ) -> None:
        self.settings, self.pace = settings, pace or Pace()
        self.observers = list(observers)
        self._run, self._draw = run, draw
        self._stop = threading.Event()
        self.rounds = 0
        self.failures = 0  # in a row
        self.last: RoundReport | None = None

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def wait(self, seconds: float) -> None:
        self._stop.wait(seconds)

    def run(self, *, once: bool = False) -> int:
        """Rounds until stopped; the exit code is the last round's."""
        while not self.stopping:
            report = self.run_once()
            if once:
                return report.exit_code
            if not self.stopping:
                self.wait(self.pace.delay(self.failures, self._draw))
        return self.last.exit_code if self.last else 0

    def run_once(self) -> RoundReport:
        self.rounds += 1
        report = self._run(self.settings, self.rounds, stopping=lambda: self.stopping)
        failed = report.outcome in (RoundOutcome.FAILED, RoundOutcome.INCOMPLETE)
        self.failures = self.failures + 1 if failed else 0
        self.last = report
        for observe in self.observers:
            try:
                observe(report)
            except Exception:  # an observer's bug must not stop reconciliation
                log.exception("sync observer %r failed", observe)
        return report
