"""Progress on long applies: one plain line per state change, or a live status line on a TTY.

CI logs get stable, greppable lines; a person at a terminal gets a counter that redraws in
place, with failures printed as they happen.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from reconciler.engine.events import Event

FINAL = ("ACTIVE", "FAILED", "TIMEOUT", "ERROR", "UNKNOWN", "DELETED", "healthy", "unhealthy")


class ProgressPrinter:
    def __init__(self, stream: TextIO | None = None, *, total: int, live: bool | None = None):
        self._out = stream or sys.stderr
        self._live = self._out.isatty() if live is None else live
        self._total = total
        self._states: dict[str, str] = {}
        self._lock = threading.Lock()
        self._start = time.monotonic()

    def __call__(self, event: Event) -> None:
        with self._lock:
            self._states[event.name] = event.state
            if self._live:
                self._redraw(event)
            else:
                detail = f": {event.detail}" if event.detail else ""
                self._out.write(f"[{self._elapsed()}] {event.name}: {event.state}{detail}\n")
            self._out.flush()

    def _redraw(self, event: Event) -> None:
        if event.state in ("FAILED", "TIMEOUT", "ERROR", "UNKNOWN", "unhealthy"):
            self._out.write(f"\r\x1b[K{event.name}: {event.state}: {event.detail}\n")
        done = sum(1 for s in self._states.values() if s in FINAL)
        busy = len(self._states) - done
        self._out.write(
            f"\r\x1b[K[{self._elapsed()}] {done}/{self._total} done, {busy} in progress"
        )

    def finish(self) -> None:
        if self._live:
            self._out.write("\n")
            self._out.flush()

    def _elapsed(self) -> str:
        return f"{time.monotonic() - self._start:6.1f}s"
