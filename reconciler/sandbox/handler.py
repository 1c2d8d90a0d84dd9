"""The HTTP transport: read a request safely, hand it to the app, write the answer.

Safety first: a body over the size limit is refused with 413 (drained briefly so the client
sees the answer, not a reset), a chunked body with 411, a stalled client gets 408 after the read
timeout and a dripping one 408 at the request deadline (see ``deadline``), malformed request
lines get the platform's JSON error instead of http.server's HTML, and any bug becomes a 500
error body, never a stack trace on the wire. Log lines carry method, path and status, never a
body.
"""

from __future__ import annotations

import contextlib
import email.utils
import io
import json
import socket
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from reconciler.sandbox.app import GatewayApp
from reconciler.sandbox.deadline import Deadlines
from reconciler.sandbox.errors import ApiError, server_fault
from reconciler.sandbox.messages import Request, Response

# Larger refused bodies are not read at all: the connection is closed instead.
DRAIN_LIMIT_BYTES = 32 * 1024 * 1024
DRAIN_TIMEOUT_SECONDS = 2.0


class SandboxHTTPServer(ThreadingHTTPServer):
    """A threading server that carries the app and a log sink for its handlers."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self, address: tuple[str, int], *, app: GatewayApp, log: Callable[[str], None] | None
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        # Before binding: a failed bind calls ``server_close``, which stops the watcher.
        self.deadlines = Deadlines(app.settings.request_deadline)
        super().__init__(address, SandboxHandler)
        self.app = app
        self.log = log

    def server_close(self) -> None:
        self.deadlines.stop()
        super().server_close()


class SandboxHandler(BaseHTTPRequestHandler):
    """One connection; HTTP/1.1 keep-alive so clients reuse it."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: SandboxHTTPServer

    def setup(self) -> None:
        super().setup()
        # The per-server read timeout (StreamRequestHandler only knows a class-wide one).
        self.connection.settimeout(self.server.app.settings.read_timeout)

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def handle_one_request(self) -> None:
        """Wait (up to the read timeout) for a request's first byte, then give it until the
        deadline to arrive whole; an idle keep-alive connection is closed without a word."""
        reader = self.rfile
        try:
            begun = bool(reader.peek(1)) if isinstance(reader, io.BufferedReader) else True
        except OSError:  # TimeoutError included
            begun = False
        if not begun:
            self.close_connection = True
            return
        self.server.deadlines.arm(id(self), self._too_slow)
        try:
            super().handle_one_request()
        finally:
            self.server.deadlines.disarm(id(self))

    def _too_slow(self) -> None:
        """Runs on the deadline watcher's thread while this one is blocked reading."""
        seconds = f"{self.server.deadlines.seconds:g}"
        error = ApiError(
            408,
            "request.timeout",
            "The request did not arrive within [{seconds}] seconds.",
            params={"seconds": seconds},
        )
        response = self.server.app.reject(error)
        payload = _payload(response)
        head = f"HTTP/1.1 {response.status} {HTTPStatus(response.status).phrase}\r\n"
        lines = [("Server", self.version_string()), ("Date", email.utils.formatdate(usegmt=True))]
        lines += _headers(response, payload, close=True)
        head += "".join(f"{name}: {value}\r\n" for name, value in lines)
        with contextlib.suppress(OSError):
            self.connection.sendall(head.encode("latin-1") + b"\r\n" + payload)
            self.connection.shutdown(socket.SHUT_RDWR)
        if self.server.log is not None:
            self.server.log("- - 408")

    def _late(self) -> bool:
        """True when the deadline passed and the 408 is already sent: say nothing more."""
        if self.server.deadlines.disarm(id(self)):
            return False
        self.close_connection = True
        return True

    def _serve(self) -> None:
        app = self.server.app
        try:
            parts = urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            body = self._read_body(app.settings.max_body_bytes)
            if self._late():
                return
            request = Request(self.command, parts.path, parts.query, headers, body)
            response = app.handle(request)
        except ApiError as exc:
            self.close_connection = True
            response = app.reject(exc)
        except TimeoutError:
            self.close_connection = True
            response = app.reject(
                ApiError(408, "request.timeout", "The request body did not arrive in time.")
            )
        except ConnectionError:
            self.close_connection = True
            return
        except Exception:
            self.close_connection = True
            response = app.reject(server_fault(500))
        self._write(response)

    def _read_body(self, limit: int) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise ApiError(
                411,
                "length.required",
                "Chunked request bodies are not supported; send Content-Length.",
            )
        raw = self.headers.get("Content-Length", "0") or "0"
        if not raw.strip().isdigit():
            raise ApiError(
                400,
                "bad.request",
                "Content-Length [{value}] is not a number.",
                params={"value": raw[:40]},
            )
        length = int(raw)
        if length > limit:
            self._discard(length)
            raise ApiError(
                413,
                "request.entity.too.large",
                "The request body of [{size}] bytes exceeds the limit of [{limit}] bytes.",
                params={"size": str(length), "limit": str(limit)},
            )
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            raise ConnectionError("the client closed the connection mid-body")
        return body

    def _discard(self, length: int) -> None:
        """Read a refused body (bounded in size and time) so the client gets the 413."""
        self.connection.settimeout(DRAIN_TIMEOUT_SECONDS)
        left = min(length, DRAIN_LIMIT_BYTES)
        try:
            while left > 0:
                chunk = self.rfile.read(min(left, 65536))
                if not chunk:
                    return
                left -= len(chunk)
        except TimeoutError:
            return

    def _write(self, response: Response) -> None:
        payload = _payload(response)
        self.send_response(response.status)
        for name, value in _headers(response, payload, close=self.close_connection):
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (bad request line, huge headers) as platform errors."""
        if self._late():
            return
        self.close_connection = True
        self.request_version = "HTTP/1.1"
        text = "The request could not be parsed: {reason}."
        error = ApiError(code, "bad.request", text, params={"reason": message or str(code)})
        self._write(self.server.app.reject(error))

    def version_string(self) -> str:
        return "reconcile-sandbox"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self.server.log is not None:
            path = urlsplit(getattr(self, "path", "") or "").path
            self.server.log(f"{getattr(self, 'command', None) or '-'} {path or '-'} {code}")

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log; ``log_request`` is the only log line."""


def _payload(response: Response) -> bytes:
    return b"" if response.body is None else json.dumps(response.body).encode()


def _headers(response: Response, payload: bytes, *, close: bool) -> list[tuple[str, str]]:
    out = [*response.headers.items(), ("Content-Type", "application/json; charset=UTF-8")]
    out.append(("Content-Length", str(len(payload))))
    return [*out, ("Connection", "close")] if close else out
