"""A token bucket shared by every thread of one client.

The platform allows ``requestsPerMinute`` per token and answers 429 past it; pacing on our side
keeps a parallel apply under the limit instead of bouncing off it. The bucket holds one second's
worth of requests at most by default (``ClientSettings.burst_seconds`` sizes it), so no window of
the server (fixed or sliding) sees a burst above the rate. A caller reserves its slot under the
lock (the balance may go negative) and sleeps outside it, so waiting threads queue in order
without holding the lock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("reconciler.gateway")


class TokenBucket:
    """Paces ``acquire`` calls to ``per_minute`` with a burst of ``capacity``."""

    def __init__(
        self,
        per_minute: float,
        *,
        monotonic: Callable[[], float],
        sleep: Callable[[float], None],
        capacity: float | None = None,
    ) -> None:
        self._rate = per_minute / 60.0
        self._capacity = capacity if capacity is not None else max(1.0, self._rate)
        self._monotonic = monotonic
        self._sleep = sleep
        self._tokens = self._capacity
        self._stamp = monotonic()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping until it is due; returns the seconds waited."""
        wait = self._reserve()
        if wait > 0:
            log.debug("rate limit: waiting %.2fs for a request slot", wait)
            self._sleep(wait)
        return wait

    def _reserve(self) -> float:
        with self._lock:
            now = self._monotonic()
            elapsed = max(0.0, now - self._stamp)
            self._stamp = now
            self._tokens = min(self._capacity, self._tokens + elapsed * self._rate)
            self._tokens -= 1.0
            return 0.0 if self._tokens >= 0 else -self._tokens / self._rate
