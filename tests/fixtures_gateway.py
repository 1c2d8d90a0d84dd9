"""Fixtures for the gateway client: a scripted HTTP server on loopback and a fake clock.

The scripted server answers what a test tells it to, including what a real API only does on a
bad day: connection resets, stalls past the read timeout, HTML error pages, huge bodies, JSON of
the wrong type. The fake clock makes sleeps instant but observable.
"""

from __future__ import annotations

import json
import random
import socket
import struct
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from reconciler.gateway import ClientSettings, GatewayClient


@dataclass
class Answer:
    """A response: JSON (any value) unless ``raw`` bytes are given."""

    status: int = 200
    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Reset:
    """Drop the connection with a TCP reset instead of answering."""


@dataclass
class Stall:
    """Answer nothing for ``seconds`` (longer than the client's read timeout)."""

    seconds: float


Script = Answer | Reset | Stall | Callable[["Seen"], "Answer | Reset | Stall"]


@dataclass
class Seen:
    """A request as the server saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class ScriptedServer:
    """A threaded loopback server answering per ``(method, path)`` from a queue of scripts.

    The last script of a queue repeats. Token requests are answered with ``tok-1``, ``tok-2``...
    unless a test scripts ``POST /oauth/token`` itself.
    """

    def __init__(self) -> None:
        self.scripts: dict[tuple[str, str], list[Script]] = defaultdict(list)
        self.seen: list[Seen] = []
        self.tokens_issued = 0
        self.token_ttl = 3600
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    def on(self, method: str, path: str, *scripts: Script) -> None:
        self.scripts[(method, path)].extend(scripts)

    def calls(self, method: str, path: str) -> list[Seen]:
        return [s for s in self.seen if s.method == method and s.path == path]

    def next_script(self, seen: Seen) -> Script:
        with self._lock:
            self.seen.append(seen)
            queue = self.scripts.get((seen.method, seen.path))
            if not queue:
                return self._default(seen)
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def _default(self, seen: Seen) -> Answer:
        if (seen.method, seen.path) == ("POST", "/oauth/token"):
            self.tokens_issued += 1
            body = {
                "access_token": f"tok-{self.tokens_issued}",
                "token_type": "bearer",
                "expires_in": self.token_ttl,
            }
            return Answer(200, body)
        return Answer(404, {"message": "no script", "code": "not.found", "status": 404})

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            seen = Seen(
                self.command,
                parts.path,
                parse_qs(parts.query),
                dict(self.headers),
                self.rfile.read(length),
            )
            script = server.next_script(seen)
            answer = script(seen) if callable(script) else script
            if isinstance(answer, Reset):
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.close_connection = True
                return
            if isinstance(answer, Stall):
                time.sleep(answer.seconds)
                self.close_connection = True
                return
            payload = answer.raw if answer.raw is not None else json.dumps(answer.body).encode()
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("ININ-Correlation-Id", f"corr-{len(server.seen)}")
            for key, value in answer.headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

    return Handler


class FakeClock:
    """Monotonic time that only moves when someone sleeps; sleeps are recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    yield server
    server.close()


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_client(
    scripted: ScriptedServer, fake_clock: FakeClock
) -> Iterator[Callable[..., GatewayClient]]:
    """Build clients against the scripted server; keyword overrides go to ClientSettings."""
    made: list[GatewayClient] = []

    def make(**overrides: Any) -> GatewayClient:
        values: dict[str, Any] = {
            "api_base_url": scripted.base_url,
            "login_base_url": scripted.base_url,
            "client_id": "client-a",
            "client_secret": "s3cret-value",
            "requests_per_minute": 60_000,
            "timeout_seconds": 5.0,
        }
        values.update(overrides)
        client = GatewayClient(
            ClientSettings(**values),
            sleep=fake_clock.sleep,
            monotonic=fake_clock.monotonic,
            rng=random.Random(7),
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


class ScaledClock:
    """Virtual time running ``speed`` times faster than the wall clock, shared by both sides.

    The sandbox reads ``now``; the client reads ``monotonic`` and sleeps a ``speed``-th of
    what it asks. Unlike a ManualClock, parallel sleepers overlap the way real ones do, so a
    rate limit of 60 per minute can be checked in a couple of seconds.
    """

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self._origin = time.monotonic()

    def now(self) -> float:
        return 1_700_000_000.0 + (time.monotonic() - self._origin) * self.speed

    def monotonic(self) -> float:
        return self.now()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds / self.speed)


@pytest.fixture
def sandbox_client() -> Iterator[Callable[..., GatewayClient]]:
    """Build a client for a sandbox server on the server's clock (ManualClock or ScaledClock)."""
    made: list[GatewayClient] = []

    def make(server: Any, **overrides: Any) -> GatewayClient:
        clock = server.clock
        sleep = clock.sleep if hasattr(clock, "sleep") else clock.advance
        values: dict[str, Any] = {
            "api_base_url": server.base_url,
            "login_base_url": server.base_url,
            "client_id": "sandbox",
            "client_secret": "sandbox-secret",
            "timeout_seconds": 10.0,
        }
        values.update(overrides)
        client = GatewayClient(
            ClientSettings(**values), sleep=sleep, monotonic=clock.now, rng=random.Random(11)
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()
