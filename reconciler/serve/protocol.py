"""The HTTP connection, guarded: header and body deadlines and a ceiling on open connections.

uvicorn gives a keep-alive timeout and ``limit_concurrency`` (a 503 once a request's headers
have arrived), but no deadline for the headers or the body themselves: a client that opens a
connection and sends nothing, or a byte every few seconds, holds a file descriptor for ever,
and a thousand of them exhaust the process's file limit, after which ``/healthz`` stops
answering and asyncio logs a traceback for every refused ``accept``. These are connection-level
matters, so they are settled here, in uvicorn's own protocol class (httptools), before the
application sees anything:

- headers must be complete within ``header_timeout`` of the connection opening (or of the first
  byte of a later keep-alive request), and be at most ``MAX_HEADER_BYTES``;
- a body must be complete within ``body_timeout`` of its headers;
- past ``max_connections`` open connections a new one is answered 503 as soon as its first
  bytes arrive (so the client reads the answer instead of a reset), or after ``BUSY_SECONDS``
  if none do; past ``overflow`` more it is answered and closed at once. So the descriptors in
  use stay bounded whatever arrives (``server.check_file_limit`` makes sure the process's
  limit leaves room for them). A ``GET /healthz`` among the waiting ones is served all the
  same: a load balancer that saw the health check fail during a flood would take the
  instance out, which is what the flood wanted.

A connection that misses a deadline is answered 408 when nothing of a response was written
yet, then closed; nothing is logged per connection (the metrics count them), so a flood of
slow clients cannot become a flood of log lines.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEADER_BYTES = 64 * 1024
BUSY_SECONDS = 1.0
_HEALTH_CHECK = (b"GET /healthz ", b"GET /healthz?", b"HEAD /healthz ")


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    max_connections: int = 256

    @property
    def overflow(self) -> int:
        """Connections past the ceiling that wait for their request to be answered 503."""
        return max(16, self.max_connections // 4)


def canned(status: bytes) -> bytes:
    """A whole answer with no body, its own request id, and the connection closed."""
    return (
        b"HTTP/1.1 " + status + b"\r\ncontent-type: application/json\r\n"
        b"x-request-id: " + uuid.uuid4().hex.encode() + b"\r\n"
        b"connection: close\r\ncontent-length: 0\r\n\r\n"
    )


BUSY = b"503 Service Unavailable"
TIMED_OUT = b"408 Request Timeout"
TOO_LARGE = b"431 Request Header Fields Too Large"


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with deadlines; ``guarded_protocol`` binds its limits."""

    limits = ConnectionLimits()
    on_refused: Any = staticmethod(lambda _reason: None)  # counts refusals (metrics)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._in_headers = False  # between a request's first byte and its headers' end
        self._header_bytes = 0
        self._busy = False  # over the ceiling: answer 503 to whatever arrives

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        over = len(self.connections) - self.limits.max_connections
        if over > self.limits.overflow:
            self._refuse(BUSY, "busy")
        elif over > 0:
            self._busy = True
            self._arm(min(BUSY_SECONDS, self.limits.header_timeout), "busy")
        else:
            self._start_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._busy and not data.startswith(_HEALTH_CHECK):
            self._refuse(BUSY, "busy")
            return
        if self._busy:
            self._busy = False
            self._start_headers()
        in_headers = self._in_headers
        super().data_received(data)
        if in_headers or self._in_headers:
            self._header_bytes += len(data)
        if self._in_headers and self._header_bytes > MAX_HEADER_BYTES:  # still no end in sight
            self._refuse(TOO_LARGE, "headers-too-large")

    def on_message_begin(self) -> None:
        """The first byte of a request: of the connection's first one, whose deadline runs
        from the connection's opening, or of a later one on a kept-alive connection (also
        when it arrives before the previous answer is complete)."""
        super().on_message_begin()
        if not self._in_headers:
            self._start_headers()

    def on_headers_complete(self) -> None:
        self._in_headers = False
        self._arm(self.limits.body_timeout, "body-timeout")
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def _start_headers(self) -> None:
        self._in_headers, self._header_bytes = True, 0
        self._arm(self.limits.header_timeout, "header-timeout")

    def _arm(self, seconds: float, reason: str) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expired, reason)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self, reason: str) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            cycle = self.cycle  # the request in flight, or the last one answered
            answered = cycle is not None and cycle.response_started and not cycle.response_complete
            self._refuse(b"" if answered else BUSY if self._busy else TIMED_OUT, reason)

    def _refuse(self, answer: bytes, reason: str) -> None:
        self._disarm()
        self._in_headers = False
        self.on_refused(reason)
        if not self.transport.is_closing():
            if answer:
                self.transport.write(canned(answer))
            self.transport.close()


def guarded_protocol(limits: ConnectionLimits, *, on_refused: Any) -> type[GuardedProtocol]:
    """The protocol class uvicorn should instantiate for each connection of this service."""
    attributes = {"limits": limits, "on_refused": staticmethod(on_refused)}
    return type("GuardedProtocol", (GuardedProtocol,), attributes)
