"""Budgets per minute, then 429 with ``Retry-After``: requests per token, failed logins per
client address.

A fixed one-minute window per key, like the Gateway's own per-token limit, so a client that
honours ``Retry-After`` is never refused twice in a row. The clock is the caller's, so tests
move time instead of sleeping. The table of windows is bounded (``MAX_KEYS``): a flood from
ever new addresses evicts the oldest windows instead of growing without end.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

WINDOW_SECONDS = 60.0
MAX_KEYS = 100_000


class RateLimiter:
    """Counts requests per key; ``admit`` answers None (go ahead) or the seconds to wait."""

    def __init__(self, per_minute: int, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._monotonic = monotonic
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def admit(self, key: str) -> int | None:
        """Count one request of ``key``; None if it is within the budget, else the wait."""
        wait = self.waiting(key)
        if wait is None:
            self.spend(key)
        return wait

    def waiting(self, key: str) -> int | None:
        """The seconds ``key`` must wait, or None, without counting anything."""
        now = self._monotonic()
        with self._lock:
            start, count = self._windows.get(key, (now, 0))
            if now - start >= WINDOW_SECONDS or count < self.per_minute:
                return None
            return max(1, math.ceil(start + WINDOW_SECONDS - now))

    def spend(self, key: str) -> None:
        """Count one use of ``key``'s budget."""
        now = self._monotonic()
        with self._lock:
            start, count = self._windows.pop(key, (now, 0))
            if now - start >= WINDOW_SECONDS:
                start, count = now, 0
            self._windows[key] = (start, count + 1)  # re-inserted: the dict's end is the newest
            while len(self._windows) > MAX_KEYS:
                del self._windows[next(iter(self._windows))]
