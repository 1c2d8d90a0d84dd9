"""The service under abuse (issue 26): malformed bodies, failed logins, request ids, logs."""

from __future__ import annotations

import io
import json
import re
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import requests

from reconciler.serve import views
from reconciler.serve.server import Running
from tests.fixtures_engine import ConfigRepo
from tests.fixtures_serve import TOKENS, Api, start_service

JSON = {"Content-Type": "application/json"}

MALFORMED = {
    "lone surrogate": b'{"env": "staging", "model": {"name": "ab\\ud800c"}}',
    "lone surrogate key": b'{"env": "staging", "model": {"\\udfff": 1}}',
    "too deep": b'{"env": ' + b"[" * 65 + b"]" * 65 + b"}",
    "very deep": b'{"env": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    "deep objects": b'{"a": ' + b'{"a": ' * 70 + b"1" + b"}" * 70 + b"}",
    "huge integer": b'{"env": "staging", "n": 9007199254740993}',
    "5000 digits": b'{"env": "staging", "n": ' + b"9" * 5000 + b"}",
    "huge float": b'{"env": "staging", "n": 1e400}',
    "NaN": b'{"env": "staging", "n": NaN}',
    "Infinity": b'{"env": "staging", "n": -Infinity}',
    "invalid utf-8": b'{"env": "st\xc3\x28ging"}',
    "overlong utf-8": b'{"env": "\xc0\xaf"}',
    "utf-8 surrogate": b'{"env": "\xed\xa0\x80"}',
}


def test_every_malformed_body_is_a_400_on_every_route_that_reads_one(api: Api) -> None:
    for route in ("/api/validate", "/api/configure-model", "/api/invoke-protected"):
        for name, body in MALFORMED.items():
            answer = api("POST", route, data=body, headers=JSON)
            assert answer.status_code == 400, (route, name, answer.text)
            assert answer.json()["error"]["code"] == "malformed-json", (route, name)


def test_depth_64_and_2_to_the_53_are_still_accepted(api: Api) -> None:
    nested = (
        b'{"env": "staging", "x": ' + b"[" * 63 + b"]" * 63 + b', "model": {"name": "ok-name"}}'
    )
    answer = api("POST", "/api/validate", data=nested, headers=JSON)
    assert answer.status_code == 200, answer.text
    edge = b'{"env": "staging", "n": -9007199254740992, "f": 1.5e10, "model": {"name": "ok-name"}}'
    assert api("POST", "/api/validate", data=edge, headers=JSON).status_code == 200


def test_twenty_failed_logins_a_minute_from_one_address_are_throttled(api: Api) -> None:
    bad = {"Authorization": "Bearer guess-0000"}
    codes = [api("GET", "/api/environments", role=None, headers=bad).status_code for _ in range(20)]
    assert codes == [401] * 20
    refused = api("GET", "/api/environments", role=None, headers=bad)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "too-many-requests"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    # a guess that happens to be right is refused too, or the throttle would only slow guessing
    assert api("GET", "/api/environments", role="viewer").status_code == 429
    assert api("GET", "/healthz", role=None).status_code == 200


def test_behind_a_proxy_the_client_address_is_the_one_the_proxy_saw(
    served_repo: ConfigRepo, sandbox_clock: Any, tmp_path: Path
) -> None:
    with start_service(served_repo, sandbox_clock, tmp_path, behind_proxy=True) as running:
        api = Api(running.url, running.service)
        guesser = {"Authorization": "Bearer guess-0000", "X-Forwarded-For": "203.0.113.5"}
        for _ in range(21):
            last = api("GET", "/api/environments", role=None, headers=guesser)
        assert last.status_code == 429
        other = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9"}
        assert api("GET", "/api/environments", role="viewer", headers=other).status_code == 200
        spoofed = {"X-Forwarded-For": "203.0.113.9, 203.0.113.5"}
        assert api("GET", "/api/environments", role="viewer", headers=spoofed).status_code == 429


def test_metrics_need_a_viewer_token_whenever_tokens_are_in_use(api: Api) -> None:
    assert api("GET", "/metrics", role=None).status_code == 401
    assert api("GET", "/metrics", role="viewer").status_code == 200


def test_metrics_are_open_on_loopback_without_tokens(
    served_repo: ConfigRepo, sandbox_clock: Any, tmp_path: Path
) -> None:
    with start_service(served_repo, sandbox_clock, tmp_path, tokens=None, sandbox=True) as running:
        answer = Api(running.url, running.service)("GET", "/metrics", role=None)
        assert answer.status_code == 200 and "reconcile_serve_requests_total" in answer.text


@pytest.fixture
def quick(served_repo: ConfigRepo, sandbox_clock: Any, tmp_path: Path) -> Iterator[Running]:
    """A service with short deadlines and few connections, and its access log at hand."""
    limits = {"header_timeout": 0.5, "body_timeout": 0.8, "max_connections": 8}
    with start_service(served_repo, sandbox_clock, tmp_path, **limits) as running:
        yield running


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=5)
    return sock


def _read_all(sock: socket.socket) -> bytes:
    """Everything until the service closes the connection (or 5 s pass)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def test_headers_that_do_not_arrive_in_time_are_cut_off_with_408(quick: Running) -> None:
    with _connect(quick.url) as idle, _connect(quick.url) as slow:
        slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        started = time.monotonic()
        assert _read_all(slow).startswith(b"HTTP/1.1 408 ")
        assert _read_all(idle).startswith(b"HTTP/1.1 408 ")
        assert time.monotonic() - started < 3


def test_a_keep_alive_connections_next_request_has_a_header_deadline_too(quick: Running) -> None:
    with _connect(quick.url) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        sock.sendall(b"GET /healthz HTTP/1.1\r\n")
        assert b"HTTP/1.1 408 " in _read_all(sock)  # after any rest of the 200
    with _connect(quick.url) as sock:  # pipelined: it begins before the first is answered
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\n")
        answers = _read_all(sock)
        assert answers.startswith(b"HTTP/1.1 200 ") and b"HTTP/1.1 408 " in answers


def test_a_body_that_does_not_arrive_in_time_is_cut_off(quick: Running) -> None:
    with _connect(quick.url) as sock:
        sock.sendall(
            b"POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer " + TOKENS["viewer"].encode() + b"\r\n"
            b'Content-Length: 100\r\n\r\n{"env": '
        )
        started = time.monotonic()
        assert _read_all(sock).startswith(b"HTTP/1.1 408 ")
        assert time.monotonic() - started < 3


def test_past_max_connections_the_service_answers_503_and_stays_up(quick: Running) -> None:
    with ExitStack() as stack:
        for _ in range(8):
            stack.enter_context(_connect(quick.url))
        time.sleep(0.1)
        with _connect(quick.url) as extra:
            extra.sendall(b"GET /api/environments HTTP/1.1\r\nHost: x\r\n\r\n")
            busy = _read_all(extra)
            assert busy.startswith(b"HTTP/1.1 503 ") and b"x-request-id: " in busy
        with _connect(quick.url) as probe:  # a load balancer's health check still passes
            probe.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert _read_all(probe).startswith(b"HTTP/1.1 200 ")
    time.sleep(0.1)
    assert requests.get(f"{quick.url}/healthz", timeout=5).status_code == 200
    metrics = Api(quick.url, quick.service)("GET", "/metrics", role="viewer").text
    assert 'reconcile_serve_refused_connections_total{reason="busy"}' in metrics


def test_one_json_access_line_per_request_with_its_id_and_no_token(
    served_repo: ConfigRepo, sandbox_clock: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = io.StringIO()
    with start_service(served_repo, sandbox_clock, tmp_path, log_stream=stream) as running:
        api = Api(running.url, running.service)
        given = api("GET", "/api/environments", role="viewer", headers={"X-Request-Id": "abc-123"})
        assert given.headers["x-request-id"] == "abc-123"
        insane = api("GET", "/nowhere/" + TOKENS["admin"], headers={"X-Request-Id": "<b>" * 50})
        assert insane.status_code == 404 and re.fullmatch(
            r"[0-9a-f]{32}", insane.headers["x-request-id"]
        )
        refused = api("GET", "/api/environments", role=None)
        assert refused.status_code == 401 and refused.headers["x-request-id"]

        def broken(_connections: Any) -> Any:
            raise RuntimeError("boom")

        monkeypatch.setattr(views, "environments", broken)
        failed = api("GET", "/api/environments", role="editor")
        assert failed.status_code == 500 and failed.headers["x-request-id"]
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["status"] for line in lines] == [200, 404, 401, 500]
    first = lines[0]
    assert set(first) == {"time", "requestId", "method", "route", "status", "ms", "user"}
    assert first["requestId"] == "abc-123" and first["route"] == "/api/environments"
    assert first["user"] == "viewer-user" and first["method"] == "GET"
    assert lines[1]["route"] == "unmatched" and lines[1]["user"] is None
    assert lines[3]["requestId"] == failed.headers["x-request-id"]
    assert [line["user"] for line in lines] == ["viewer-user", None, None, "editor-user"]
    for token in TOKENS.values():
        assert token not in stream.getvalue()


def test_the_route_template_is_logged_not_the_path(
    served_repo: ConfigRepo, sandbox_clock: Any, tmp_path: Path
) -> None:
    stream = io.StringIO()
    with start_service(served_repo, sandbox_clock, tmp_path, log_stream=stream) as running:
        Api(running.url, running.service)("GET", "/api/environments/staging/cost", role="viewer")
    (line,) = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert line["route"] == "/api/environments/{env}/cost" and line["status"] == 200
