"""Progress on long applies: a live per-model status view on a TTY, plain lines otherwise.

CI logs get one stable, greppable line per state change. A person at a terminal gets a block
that redraws in place: one line per model (the most recent ones when there are more than fit)
under a counter, so a hundred-model apply stays readable.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from reconciler.engine.events import Event

MAX_ROWS = 15


class ProgressPrinter:
    def __init__(self, stream: TextIO | None = None, *, total: int, live: bool | None = None):
        self._out = stream or sys.stderr
        self._live = self._out.isatty() if live is None else live
        self._total = total
        self._states: dict[str, Event] = {}
        self._drawn = 0
        self._lock = threading.Lock()
        self._start = time.monotonic()

    def __call__(self, event: Event) -> None:
        with self._lock:
            self._states.pop(event.name, None)
            self._states[event.name] = event  # most recent last
            if self._live:
                self._redraw()
            else:
                detail = f": {event.detail}" if event.detail else ""
                self._out.write(f"[{self._elapsed()}] {event.name}: {event.state}{detail}\n")
            self._out.flush()

    def _redraw(self) -> None:
        done = sum(1 for e in self._states.values() if e.state.final)
        failed = sum(1 for e in self._states.values() if e.state.failed)
        rows = [f"[{self._elapsed()}] {done}/{self._total} done, {failed} failed"]
        events = list(self._states.values())
        hidden = max(0, len(events) - MAX_ROWS)
        if hidden:
            rows.append(f"  ... {hidden} more")
        rows += [self._row(e) for e in events[hidden:]]
        up = f"\x1b[{self._drawn}F" if self._drawn else ""
        self._out.write(up + "".join(f"\x1b[2K{row}\n" for row in rows))
        self._drawn = len(rows)

    @staticmethod
    def _row(event: Event) -> str:
        mark = "✗" if event.state.failed else "✓" if event.state.final else "…"
        detail = f"  {event.detail}" if event.detail and event.state.failed else ""
        return f"  {mark} {event.name:<40} {event.state}{detail}"

    def finish(self) -> None:
        self._out.flush()

    def _elapsed(self) -> str:
        return f"{time.monotonic() - self._start:6.1f}s"
