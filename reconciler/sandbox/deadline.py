"""A deadline for each request's arrival, so a slow client cannot hold a thread for long.

The read timeout bounds each wait for the next bytes, but a client that sends one byte a
second never trips it and keeps its thread (and with enough such clients, the server) busy
forever. So from its first byte a request has ``request_deadline`` seconds to arrive whole:
one watcher thread checks the connections still being read and, past their deadline, lets
each answer 408 and hangs up. Its ticks are real time because what it guards against is a
real socket, not the emulated platform's clock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

Expire = Callable[[], None]


class Deadlines:
    """Connections whose request is still arriving, and when each must be complete."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._due: dict[int, tuple[float, Expire]] = {}
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="sandbox-deadlines", daemon=True)
        self._thread.start()

    def arm(self, key: int, expire: Expire) -> None:
        """Start the clock for connection ``key``; ``expire`` runs if it is not disarmed."""
        with self._lock:
            self._due[key] = (time.monotonic() + self.seconds, expire)

    def disarm(self, key: int) -> bool:
        """Stop the clock; False when the deadline had already passed (and expired ran)."""
        with self._lock:
            return self._due.pop(key, None) is not None

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=2)

    def _watch(self) -> None:
        tick = min(0.05, self.seconds / 4)
        while not self._stopped.wait(tick):
            now = time.monotonic()
            with self._lock:
                late = [key for key, (due, _) in self._due.items() if due <= now]
                expired = [self._due.pop(key)[1] for key in late]
            for expire in expired:
                expire()
