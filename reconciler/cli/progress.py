"""Progress on long applies: a live per-model status view on a TTY, plain lines otherwise.

CI logs get one stable, greppable line per state change. A person at a terminal gets a block
that redraws in place: one line per model (the most recent ones when there are more than fit)
under a counter and a clock that ticks between events, so a hundred-model apply stays
readable and a slow one visibly alive. Every row is clipped to the terminal's width: a row
that wrapped would take two lines while the redraw moves up one, and leave stray lines behind.
Hand-written rather than rich: the block is a few escape sequences (move up, clear line,
clear below), and tests/cli/test_progress_tmux.py proves the screen a real terminal shows.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TextIO

from reconciler.engine.record.events import Event
from reconciler.structs.display import shortened, visible

MAX_ROWS = 15
TICK_SECONDS = 1.0
DEFAULT_WIDTH = 80


class ProgressPrinter:
    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        total: int,
        live: bool | None = None,
        width: int | None = None,
        tick: float | None = TICK_SECONDS,
    ):
        self._out = stream or sys.stderr
        self._live = self._out.isatty() if live is None else live
        self._total = total
        self._width = width
        self._states: dict[str, Event] = {}
        self._drawn = 0
        self._lock = threading.Lock()
        self._start = time.monotonic()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        if self._live and tick:
            self._ticker = threading.Thread(target=self._tick, args=(tick,), daemon=True)
            self._ticker.start()

    def __call__(self, event: Event) -> None:
        with self._lock:
            self._states.pop(event.name, None)
            self._states[event.name] = event  # most recent last
            if self._live:
                self._redraw()
            else:
                detail = f": {event.detail}" if event.detail else ""
                line = visible(f"{event.name}: {event.state}{detail}")  # a live name: one line
                self._out.write(f"[{self._elapsed()}] {line}\n")
            self._out.flush()

    def finish(self) -> None:
        """Stop the clock; the last drawn block stays on screen, the cursor below it. Safe to
        call more than once."""
        if self._stop.is_set():
            return
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        with self._lock:
            if self._live and self._drawn:
                self._redraw()
            self._out.flush()

    def _tick(self, seconds: float) -> None:
        while not self._stop.wait(seconds):
            with self._lock:
                if self._drawn:
                    self._redraw()
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
        limit = max(1, self._columns() - 1)
        up = f"\x1b[{self._drawn}F" if self._drawn else ""
        body = "".join(f"\x1b[2K{shortened(row, limit)}\n" for row in rows)  # a line each
        self._out.write(up + body + "\x1b[J")
        self._drawn = len(rows)

    @staticmethod
    def _row(event: Event) -> str:
        mark = "✗" if event.state.failed else "✓" if event.state.final else "…"
        detail = f"  {event.detail}" if event.detail and event.state.failed else ""
        return visible(f"  {mark} {event.name:<40} {event.state}{detail}")

    def _columns(self) -> int:
        if self._width is not None:
            return self._width
        try:
            return os.get_terminal_size(self._out.fileno()).columns
        except (OSError, ValueError, AttributeError):
            return DEFAULT_WIDTH

    def _elapsed(self) -> str:
        return f"{time.monotonic() - self._start:6.1f}s"
