"""Per-token request budget: N requests per rolling minute, then 429 with ``Retry-After``.

A fixed one-minute window per token, like the Gateway's own per-token limit, so a client that
honours ``Retry-After`` is never refused twice in a row. The clock is the caller's, so tests
move time instead of sleeping.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

WINDOW_SECONDS = 60.0


class RateLimiter:
    """Counts requests per key; ``admit`` answers None (go ahead) or the seconds to wait."""

    def __init__(self, per_minute: int, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._monotonic = monotonic
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def admit(self, key: str) -> int | None:
        now = self._monotonic()
        with self._lock:
            start, count = self._windows.get(key, (now, 0))
            if now - start >= WINDOW_SECONDS:
                start, count = now, 0
            if count >= self.per_minute:
                return max(1, math.ceil(start + WINDOW_SECONDS - now))
            self._windows[key] = (start, count + 1)
            return None
