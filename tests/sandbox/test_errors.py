"""Platform error bodies, correlation ids, the rate limiter and injected faults."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests

from reconciler.sandbox import ManualClock, SandboxServer, SandboxSettings
from tests.sandbox.api import MODELS, Api, model_body

ERROR_KEYS = {
    "message",
    "code",
    "status",
    "messageWithParams",
    "messageParams",
    "contextId",
    "details",
    "errors",
}


def test_every_response_has_a_correlation_id_equal_to_context_id(sandbox: SandboxServer) -> None:
    api = Api(sandbox)
    answers = [
        api.call("GET", MODELS),
        api.call("POST", MODELS, json=model_body()),
        api.call("GET", f"{MODELS}/missing"),
        api.call("POST", MODELS, json={"name": 1}),
        api.call("PATCH", MODELS),
        api.call("GET", "/api/v2/elsewhere"),
        requests.get(sandbox.base_url + MODELS, timeout=10),
    ]
    ids = [a.headers["ININ-Correlation-Id"] for a in answers]
    assert len(set(ids)) == len(ids)
    for answer in answers[2:]:
        body = answer.json()
        assert set(body) == ERROR_KEYS
        assert body["contextId"] == answer.headers["ININ-Correlation-Id"]
        assert body["status"] == answer.status_code
        assert "Traceback" not in answer.text


def test_message_with_params_renders_to_message(sandbox: SandboxServer) -> None:
    body = Api(sandbox).call("GET", f"{MODELS}/abc").json()
    rendered = body["messageWithParams"]
    for name, value in body["messageParams"].items():
        rendered = rendered.replace("{" + name + "}", value)
    assert rendered == body["message"]
    assert "abc" in body["message"]


def test_wrong_method_is_405_with_allow(sandbox: SandboxServer) -> None:
    answer = Api(sandbox).call("PATCH", f"{MODELS}/x")
    assert answer.status_code == 405
    assert answer.headers["Allow"] == "DELETE, GET, PUT"


def test_rate_limit_is_a_per_token_bucket(sandbox_factory: Callable[..., SandboxServer]) -> None:
    clock = ManualClock()
    server = sandbox_factory(rate_limit=6, clock=clock)
    api, other = Api(server), Api(server)
    assert [api.call("GET", MODELS).status_code for _ in range(6)] == [200] * 6
    limited = api.call("GET", MODELS)
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "10"
    assert limited.json()["code"] == "too.many.requests.retry.after"
    assert limited.json()["messageParams"] == {"retryAfter": "10"}
    assert other.call("GET", MODELS).status_code == 200
    clock.advance(9.9)
    assert api.call("GET", MODELS).status_code == 429
    clock.advance(0.2)
    assert api.call("GET", MODELS).status_code == 200
    clock.advance(600)
    assert [api.call("GET", MODELS).status_code for _ in range(7)] == [200] * 6 + [429]
    assert server.stats["rate_limited"] == 3


def test_fault_injection_spares_the_token_endpoint_unless_asked(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    server = sandbox_factory(error_rate=1.0, seed=1)
    api = Api(server)
    statuses = {api.call("GET", MODELS).status_code for _ in range(40)}
    assert statuses == {500, 502, 503, 504}
    answer = api.call("POST", MODELS, json=model_body())
    assert set(answer.json()) == ERROR_KEYS
    assert server.stats["errors_injected"] == 41
    assert server.stats["create"] == 1
    noisy = sandbox_factory(error_rate=1.0, error_rate_token=True)
    refused = requests.post(
        f"{noisy.base_url}/oauth/token",
        auth=("sandbox", "sandbox-secret"),
        data={"grant_type": "client_credentials"},
        timeout=10,
    )
    assert refused.status_code in {500, 502, 503, 504}


def test_fault_rate_is_roughly_the_fraction(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    server = sandbox_factory(error_rate=0.25, seed=3, rate_limit=10_000)
    api = Api(server)
    failed = sum(api.call("GET", MODELS).status_code >= 500 for _ in range(200))
    assert 25 <= failed <= 75


def test_stats_count_requests_by_kind(sandbox: SandboxServer, sandbox_clock: ManualClock) -> None:
    api = Api(sandbox)
    model = api.create()
    api.get(model["id"])
    api.call("GET", MODELS)
    api.call("PUT", f"{MODELS}/{model['id']}", json={**model_body(), "version": 1})
    sandbox_clock.advance(40)
    api.call("POST", f"{MODELS}/{model['id']}/invoke", json={"input": "x"})
    api.call("DELETE", f"{MODELS}/{model['id']}")
    stats = sandbox.stats
    assert {
        k: stats[k] for k in ("token", "list", "get", "create", "update", "delete", "invoke")
    } == dict.fromkeys(("token", "list", "get", "create", "update", "delete", "invoke"), 1)
    assert stats["rate_limited"] == stats["errors_injected"] == 0


def test_lost_reply_mode_performs_the_write_then_answers_502(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    """A reply lost on the way: the server acted, the client only sees a 502."""
    server = sandbox_factory(lost_reply_rate=1.0, seed=2)
    api = Api(server)
    answer = api.call("POST", MODELS, json=model_body())
    assert answer.status_code == 502
    assert set(answer.json()) == ERROR_KEYS
    listed = api.call("GET", MODELS).json()["entities"]
    assert [m["name"] for m in listed] == [model_body()["name"]]
    model = listed[0]
    updated = api.call("PUT", f"{MODELS}/{model['id']}", json={**model_body(), "version": 1})
    assert updated.status_code == 502
    assert api.get(model["id"]).json()["version"] == 2
    assert server.stats["replies_lost"] == 2
    assert server.stats["errors_injected"] == 0


def test_lost_reply_rate_is_checked(sandbox_factory: Callable[..., SandboxServer]) -> None:
    with pytest.raises(ValueError, match="lost_reply_rate"):
        SandboxSettings(lost_reply_rate=-0.1)


RATE_HEADERS = ("inin-ratelimit-count", "inin-ratelimit-allowed", "inin-ratelimit-reset")


def test_every_response_carries_the_rate_limit_headers(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    clock = ManualClock()
    server = sandbox_factory(rate_limit=6, clock=clock)
    api = Api(server)
    counted = [api.call("GET", MODELS) for _ in range(6)]
    others = [
        api.call("GET", MODELS),  # 429
        api.call("GET", f"{MODELS}/missing"),
        requests.get(server.base_url + MODELS, timeout=10),  # no token: 401
        requests.post(server.base_url + "/oauth/token", timeout=10),  # no client: 401
        requests.get(server.base_url + "/api/v2/elsewhere", timeout=10),  # 404
    ]
    for answer in counted + others:
        assert all(name in answer.headers for name in RATE_HEADERS), answer.status_code
        assert answer.headers["inin-ratelimit-allowed"] == "6"
    assert [int(a.headers["inin-ratelimit-count"]) for a in counted] == [1, 2, 3, 4, 5, 6]
    limited = others[0]
    assert limited.status_code == 429 and limited.headers["inin-ratelimit-count"] == "6"
    # One request a ten seconds comes back: six spent means a minute until the window is full.
    assert limited.headers["inin-ratelimit-reset"] == "60"
    clock.advance(30)
    assert api.call("GET", MODELS).headers["inin-ratelimit-count"] == "4"
