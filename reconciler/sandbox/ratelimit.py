"""Per-token rate limiting: a token bucket holding a minute's worth of requests.

The bucket refills continuously at ``rate / 60`` per second on the injected clock, so bursts up
to the per-minute limit pass and a steady rate above it gets 429 with an honest Retry-After.
Every answer reports the bucket as the platform's ``inin-ratelimit-*`` headers do: requests
counted in the window, requests allowed, and seconds until the window is whole again.
"""

from __future__ import annotations

import math
import threading

from reconciler.sandbox.clock import Clock
from reconciler.sandbox.errors import ApiError


class RateLimiter:
    """One bucket per bearer token."""

    def __init__(self, per_minute: int, *, clock: Clock) -> None:
        self._capacity = float(per_minute)
        self._refill = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> None:
        """Spend one request for ``key``, or raise the platform's 429."""
        now = self._clock.now()
        with self._lock:
            level, since = self._buckets.get(key, (self._capacity, now))
            level = min(self._capacity, level + (now - since) * self._refill)
            if level >= 1.0:
                self._buckets[key] = (level - 1.0, now)
                return
            self._buckets[key] = (level, now)
        wait = max(1, math.ceil((1.0 - level) / self._refill))
        raise ApiError(
            429,
            "too.many.requests.retry.after",
            "Rate limit exceeded the maximum. Retry the request in [{retryAfter}] seconds",
            params={"retryAfter": str(wait)},
            headers={"Retry-After": str(wait)},
        )

    def headers(self, key: str | None) -> dict[str, str]:
        """The ``inin-ratelimit-*`` headers for ``key`` (a token), without spending anything;
        a request with no known token sees an untouched window."""
        now = self._clock.now()
        with self._lock:
            level, since = self._buckets.get(key or "", (self._capacity, now))
        level = min(self._capacity, level + max(0.0, now - since) * self._refill)
        used = self._capacity - level
        return {
            "inin-ratelimit-count": str(math.ceil(used - 1e-9)),
            "inin-ratelimit-allowed": str(int(self._capacity)),
            "inin-ratelimit-reset": str(math.ceil(used / self._refill - 1e-9)),
        }
