"""Clocks for the emulator: wall-clock time in production, a hand-driven one in tests.

Every time-dependent rule (provisioning delays, token expiry, rate-limit refill) reads the clock
lazily on each request instead of running timers, so a ``ManualClock`` makes the whole lifecycle
deterministic and tests never sleep. Values are epoch seconds, which is also what the state file
stores, so a restarted server continues where the previous one stopped.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the time in epoch seconds."""

    def now(self) -> float: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> float:
        return time.time()


class ManualClock:
    """A clock that only moves when told to; safe to read from server threads."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward; going backwards would break every 'after a delay' rule."""
        if seconds < 0:
            raise ValueError("a ManualClock only moves forward")
        with self._lock:
            self._now += seconds
