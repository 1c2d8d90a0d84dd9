"""Malformed requests get a clear 4xx platform error: never a stack trace, never a hang."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Callable
from typing import Any

import pytest

from reconciler.sandbox import ManualClock, SandboxServer
from tests.sandbox.api import MODELS, Api, model_body


@pytest.fixture
def api(sandbox: SandboxServer) -> Api:
    return Api(sandbox)


def _post(api: Api, data: bytes | str, content_type: str = "application/json") -> Any:
    return api.call("POST", MODELS, data=data, headers={"Content-Type": content_type})


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ("{bad", "not valid JSON"),
        ("", "empty"),
        ('{"name": NaN}', "NaN is not a JSON value"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        # A lone surrogate is valid JSON syntax but no text: what a bad decoder upstream sends.
        ('{"name": "bad-\\udc80-name"}', "not valid Unicode"),
        ('{"labels": {"\\ud800": "x"}}', "not valid Unicode"),
    ],
)
def test_unparseable_json_is_400(api: Api, data: str | bytes, fragment: str) -> None:
    answer = _post(api, data)
    assert answer.status_code == 400
    assert fragment in answer.json()["message"]
    assert "Traceback" not in answer.text


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_wrong_content_type_is_415(api: Api, content_type: str) -> None:
    answer = _post(api, json.dumps(model_body()), content_type)
    assert answer.status_code == 415
    assert answer.json()["code"] == "unsupported.media.type"


def test_charset_parameter_is_accepted(api: Api) -> None:
    answer = _post(api, json.dumps(model_body()), "application/json; charset=utf-8")
    assert answer.status_code == 202


def test_huge_body_is_413_and_the_server_stays_up(api: Api) -> None:
    huge = json.dumps({**model_body(), "description": "x" * (2 * 1024 * 1024)})
    answer = _post(api, huge)
    assert answer.status_code == 413
    assert answer.json()["code"] == "request.entity.too.large"
    assert api.call("GET", MODELS).status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"colour": "blue"}, "colour"),
        ({"credentials": {"apiKey": "sk-x", "token": "y"}}, "credentials.token"),
        ({"configuration": {"temperature": 0.1, "seed": 3}}, "configuration.seed"),
        ({"configuration": {"temperature": 5}}, "configuration.temperature"),
        ({"configuration": {"maxTokens": 1.5}}, "configuration.maxTokens"),
        ({"provider": "mistral"}, "provider"),
        ({"name": ""}, "name"),
        ({"name": 7}, "name"),
        ({"modelId": None}, "modelId"),
        ({"credentials": {}}, "credentials.apiKey"),
        ({"credentials": "sk-x"}, "credentials"),
        ({"provider": "azure"}, "credentials.endpoint"),
        ({"provider": "bedrock", "credentials": {"apiKey": "ABSK1"}}, "credentials.region"),
        ({"responseSchema": {"type": "string"}}, "responseSchema"),
        ({"labels": {"team": 1}}, "labels.team"),
    ],
)
def test_invalid_fields_are_400_naming_the_field(
    api: Api, change: dict[str, Any], field: str
) -> None:
    answer = api.call("POST", MODELS, json={**model_body(), **change})
    assert answer.status_code == 400, answer.text
    assert answer.json()["messageParams"]["field"] == field
    assert field in answer.json()["message"]
    assert "sk-x" not in answer.text


def test_non_object_body_is_400(api: Api) -> None:
    assert api.call("POST", MODELS, json=[model_body()]).status_code == 400


def test_read_only_fields_are_accepted_and_ignored(api: Api) -> None:
    answer = api.call("POST", MODELS, json={**model_body(), "id": "mine", "status": "ACTIVE"})
    assert answer.status_code == 202
    assert answer.json()["id"] != "mine"
    assert answer.json()["status"] == "PROVISIONING"


def _raw(server: SandboxServer, payload: bytes, *, close: bool = True) -> bytes:
    host, port = server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(payload)
        if close:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_garbage_request_line_gets_a_json_400(sandbox: SandboxServer) -> None:
    answer = _raw(sandbox, b"THIS IS NOT HTTP\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert b"ININ-Correlation-Id" in head
    assert json.loads(body)["status"] == 400


@pytest.mark.parametrize(
    ("headers", "status"),
    [(b"Transfer-Encoding: chunked\r\n", 411), (b"Content-Length: ten\r\n", 400)],
)
def test_bad_framing_is_refused(sandbox: SandboxServer, headers: bytes, status: int) -> None:
    request = b"POST /api/v2/ai/models HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n"
    answer = _raw(sandbox, request)
    assert answer.startswith(f"HTTP/1.1 {status}".encode())


def test_a_stalled_body_times_out_with_408(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    server = sandbox_factory(read_timeout=0.3)
    request = (
        b"POST /api/v2/ai/models HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
        b"\r\nContent-Length: 100\r\n\r\n{"
    )
    started = time.monotonic()
    answer = _raw(server, request, close=False)
    assert answer.startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started < 5


def test_unknown_path_is_404(api: Api) -> None:
    for path in ("/", "/api/v2/ai/models/a/b", "/api/v2/ai/models/a/invoke/x"):
        answer = api.call("GET", path)
        assert answer.status_code == 404
        assert answer.json()["code"] == "not.found"


def test_a_client_dripping_its_request_meets_the_request_deadline(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    # Each byte comes well within the read timeout, so only a deadline for the whole request
    # stops a slow client from holding its thread for as long as it likes.
    server = sandbox_factory(read_timeout=2.0, request_deadline=0.5)
    host, port = server.base_url.removeprefix("http://").split(":")
    request = b"GET /api/v2/ai/models HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        with contextlib.suppress(OSError):  # the server hangs up mid-drip
            for byte in request:
                sock.sendall(bytes([byte]))
                time.sleep(0.05)
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
    assert time.monotonic() - started < 2.0
    assert b"Connection: close" in answer and b"inin-ratelimit-allowed" in answer
    # An idle keep-alive connection is not a slow request: it is closed quietly, no 408.
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        assert sock.recv(65536) == b""


def test_an_honest_request_after_an_idle_pause_is_served(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    server = sandbox_factory(read_timeout=2.0, request_deadline=0.5)
    api = Api(server)
    assert api.call("GET", MODELS).status_code == 200
    time.sleep(0.8)  # longer than the deadline, on the same keep-alive connection
    assert api.call("GET", MODELS).status_code == 200


def test_invoking_with_a_lone_surrogate_is_400_not_500(
    api: Api, sandbox_clock: ManualClock
) -> None:
    created = api.create("surrogate-target")
    sandbox_clock.advance(120)
    answer = _post_to(api, f"{MODELS}/{created['id']}/invoke", '{"input": "hi \\udcff there"}')
    assert answer.status_code == 400, answer.text
    assert "not valid Unicode" in answer.json()["message"]


def _post_to(api: Api, path: str, data: str) -> Any:
    return api.call("POST", path, data=data, headers={"Content-Type": "application/json"})
