"""The service's logs: one JSON access line per request, and no floods of anything else.

A service runs for months, so its logging must never block a request, grow without bound or
let one misbehaving client fill a disk. Access lines go through a ``QueueHandler`` into a
bounded queue that a ``QueueListener`` thread writes to stderr (where a supervisor, journald or
a container runtime collects and rotates them); when the queue is full a line is dropped and
counted rather than waited for. Warnings that a client can cause at will (uvicorn's invalid
requests, asyncio's refused ``accept``, the service's own unexpected errors) pass a
``Throttle``: a few of each kind a minute, the first with its traceback, then a count of what
was held back.

An access line holds ``time``, ``requestId``, ``method``, ``route`` (the route's template, never
the raw path, which a client could fill with anything), ``status``, ``ms`` and ``user`` (the
token's name, or the person the trusted proxy named): never a token, a header or a body.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import queue
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import IO, Any

QUEUE_LINES = 10_000
THROTTLED_LOGGERS = ("uvicorn.error", "asyncio", "reconciler.serve")


class _Dropping(logging.handlers.QueueHandler):
    """A queue handler that drops a line when the queue is full instead of blocking."""

    dropped = 0

    def enqueue(self, record: logging.LogRecord) -> None:
        try:
            self.queue.put_nowait(record)
        except queue.Full:
            self.dropped += 1


class _JsonLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = getattr(record, "access", {})
        return json.dumps(fields, ensure_ascii=True, separators=(",", ":"))


class AccessLog:
    """Where one service writes its access lines; ``start``/``stop`` run its writer thread."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._logger = logging.Logger("reconciler.serve.access", logging.INFO)
        self._logger.propagate = False
        self._queue: queue.Queue[logging.LogRecord] = queue.Queue(QUEUE_LINES)
        self._handler = _Dropping(self._queue)
        self._logger.addHandler(self._handler)
        writer = logging.StreamHandler(stream if stream is not None else sys.stderr)
        writer.setFormatter(_JsonLine())
        self._listener = logging.handlers.QueueListener(self._queue, writer)

    @property
    def dropped(self) -> int:
        return self._handler.dropped

    def start(self) -> None:
        self._listener.start()

    def stop(self) -> None:
        self._listener.stop()

    def write(self, **fields: Any) -> None:
        line = {"time": _now(), **fields}
        self._logger.info("access", extra={"access": line})


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Throttle(logging.Filter):
    """At most ``per_minute`` records of each logger and message a minute; the first of each
    minute keeps its traceback, the rest lose it; a count says how many were held back."""

    def __init__(
        self, per_minute: int = 5, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.per_minute, self._monotonic = per_minute, monotonic
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str], tuple[float, int, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg)[:200])
        now = self._monotonic()
        with self._lock:
            start, count, held = self._windows.get(key, (now, 0, 0))
            if now - start >= 60.0:
                if held:
                    record.msg = f"{record.msg} ({held} like it held back in the last minute)"
                start, count, held = now, 0, 0
            count += 1
            if count > self.per_minute:
                self._windows[key] = (start, count, held + 1)
                return False
            if count > 1:
                record.exc_info, record.exc_text = None, None
            self._windows[key] = (start, count, held)
            if len(self._windows) > 1000:
                self._windows.clear()
        return True


_THROTTLE = Throttle()


def throttle_noisy_loggers() -> None:
    """Put the one ``Throttle`` on every logger a client can make talk (idempotent)."""
    for name in THROTTLED_LOGGERS:
        logger = logging.getLogger(name)
        if _THROTTLE not in logger.filters:
            logger.addFilter(_THROTTLE)
