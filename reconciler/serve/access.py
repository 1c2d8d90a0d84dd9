"""Around every request: its id, its access line, its metrics, the headers every answer has.

``X-Request-Id`` is the caller's when it is a sane token (a proxy's or a client's id, so one
request can be followed through several logs), else a new one; it is on every answer, errors
included, and in the request's access line. The user in that line is whoever ``auth`` found
(``scope["state"]["user"]``), so a request refused before authentication has none.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reconciler.serve.logs import AccessLog
from reconciler.serve.metrics import Metrics

_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def request_id(scope: Scope) -> str:
    """The incoming ``X-Request-Id`` if it is sane, else a new random one."""
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            given: str = value.decode("latin-1")
            if _SANE_ID.fullmatch(given):
                return given
    return uuid.uuid4().hex


class Measured:
    """Counts, times and logs every request by route template and status."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: Metrics,
        access_log: AccessLog,
        route_of: Callable[[Scope], str],
    ) -> None:
        self.app, self.metrics, self.access_log, self.route_of = app, metrics, access_log, route_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500
        state = scope.setdefault("state", {})
        rid = state["request_id"] = request_id(scope)

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = message.setdefault("headers", [])
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"x-request-id", rid.encode("ascii")))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:  # noqa: S110 - answered 500 and logged (redacted) by ``app._error``
            pass  # Starlette re-raises it for the server, which would log it again, unredacted
        finally:
            seconds = time.perf_counter() - started
            route = self.route_of(scope)
            self.metrics.requests.labels(route=route, status=str(status)).inc()
            self.metrics.latency.labels(route=route).observe(seconds)
            self.access_log.write(
                requestId=rid,
                method=scope.get("method", "")[:16],
                route=route,
                status=status,
                ms=round(seconds * 1000, 1),
                user=state.get("user"),
            )
