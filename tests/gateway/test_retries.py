"""Which failures are retried, how long we wait, and when we give up."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from reconciler.gateway import GatewayClient
from reconciler.gateway.errors import (
    BadRequest,
    Conflict,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
)
from tests.fixtures_gateway import Answer, FakeClock, Reset, ScriptedServer, Stall

MODEL = {"id": "m1", "name": "a", "version": 1}
ONE = "/api/v2/ai/models/m1"
INVOKE = ONE + "/invoke"


def too_many(seconds: str | None) -> Answer:
    headers = {"Retry-After": seconds} if seconds is not None else {}
    return Answer(
        429,
        {"message": "Rate limit exceeded", "code": "too.many.requests.retry.after", "status": 429},
        headers=headers,
    )


def test_429_waits_for_retry_after_then_succeeds(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient], fake_clock: FakeClock
) -> None:
    scripted.on("GET", ONE, too_many("7"), Answer(200, MODEL))
    client = make_client()
    assert client.get_model("m1") == MODEL
    assert fake_clock.sleeps == [7.0]
    assert client.stats.rate_limited == 1 and client.stats.retries == 1
    assert client.stats.calls["get"] == 2


def test_retry_after_is_capped_at_60_seconds(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient], fake_clock: FakeClock
) -> None:
    scripted.on("GET", ONE, too_many("3600"), Answer(200, MODEL))
    make_client().get_model("m1")
    assert fake_clock.sleeps == [60.0]


def test_a_429_storm_gives_up_past_the_budget_with_rate_limited(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient], fake_clock: FakeClock
) -> None:
    scripted.on("GET", ONE, too_many("30"))
    with pytest.raises(RateLimited) as caught:
        make_client(max_attempts=10, retry_budget_seconds=100).get_model("m1")
    assert caught.value.status == 429 and caught.value.retry_after == 30
    assert fake_clock.sleeps == [30.0, 30.0, 30.0]
    assert len(scripted.calls("GET", ONE)) == 4


def test_5xx_backs_off_with_full_jitter_and_logs_attempts(
    scripted: ScriptedServer,
    make_client: Callable[..., GatewayClient],
    fake_clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    scripted.on(
        "GET",
        ONE,
        Answer(500, {}),
        Answer(502, {}),
        Answer(503, {}),
        Answer(504, {}),
        Answer(200, MODEL),
    )
    caplog.set_level(logging.DEBUG, logger="reconciler.gateway")
    assert make_client().get_model("m1") == MODEL
    bounds = [0.5, 1.0, 2.0, 4.0]
    assert len(fake_clock.sleeps) == 4
    assert all(0 <= slept <= bound for slept, bound in zip(fake_clock.sleeps, bounds, strict=True))
    assert len(set(fake_clock.sleeps)) == 4
    assert [f"attempt #{n}/5" in caplog.text for n in (2, 3, 4, 5)] == [True] * 4


def test_persistent_5xx_raises_server_error_after_max_attempts(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    scripted.on(
        "GET",
        ONE,
        Answer(503, {"message": "down", "code": "service.unavailable", "contextId": "ctx-1"}),
    )
    with pytest.raises(ServerError) as caught:
        make_client(max_attempts=4).get_model("m1")
    assert (caught.value.status, caught.value.code) == (503, "service.unavailable")
    assert caught.value.correlation_id == "ctx-1"
    assert len(scripted.calls("GET", ONE)) == 4


@pytest.mark.parametrize(
    ("status", "kind"), [(400, BadRequest), (404, NotFound), (409, Conflict), (501, ServerError)]
)
def test_other_errors_are_not_retried(
    scripted: ScriptedServer,
    make_client: Callable[..., GatewayClient],
    status: int,
    kind: type[Exception],
) -> None:
    scripted.on("GET", ONE, Answer(status, {"message": "m", "code": "c"}))
    with pytest.raises(kind):
        make_client().get_model("m1")
    assert len(scripted.calls("GET", ONE)) == 1


def test_a_connection_reset_on_a_safe_call_is_retried(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    scripted.on("GET", ONE, Reset(), Answer(200, MODEL))
    client = make_client()
    assert client.get_model("m1") == MODEL
    assert client.stats.retries == 1


def test_a_read_timeout_on_a_safe_call_is_retried(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    scripted.on("GET", ONE, Stall(1.0), Answer(200, MODEL))
    assert make_client(timeout_seconds=0.2).get_model("m1") == MODEL


def test_transport_errors_are_ours_and_chain_the_library_error(
    make_client: Callable[..., GatewayClient],
) -> None:
    client = make_client(
        api_base_url="http://127.0.0.1:9", login_base_url="http://127.0.0.1:9", max_attempts=2
    )
    with pytest.raises(TransportError) as caught:
        client.list_page(1)
    assert caught.value.__cause__ is not None
    assert type(caught.value.__cause__).__module__.startswith("requests")
    assert "127.0.0.1:9" in caught.value.message and caught.value.hint


def test_invoke_is_not_resent_after_an_ambiguous_failure(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    scripted.on("POST", INVOKE, Answer(503, {"message": "busy"}))
    with pytest.raises(ServerError):
        make_client().invoke_model("m1", input="hi")
    scripted.scripts[("POST", INVOKE)] = [Reset()]
    with pytest.raises(TransportError):
        make_client().invoke_model("m1", input="hi")
    assert len(scripted.calls("POST", INVOKE)) == 2


def test_invoke_is_resent_after_a_429_and_sends_input_and_options(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    result = {
        "result": "{}",
        "usage": {"prompt_tokens": 3, "completion_tokens": 1},
        "request_id": "r1",
    }
    scripted.on("POST", INVOKE, too_many("1"), Answer(200, result))
    assert make_client().invoke_model("m1", input="hi", options={"temperature": 0}) == result
    assert scripted.calls("POST", INVOKE)[1].json() == {
        "input": "hi",
        "options": {"temperature": 0},
    }


def test_token_requests_are_retried_on_5xx(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    scripted.on(
        "POST",
        "/oauth/token",
        Answer(502, {}),
        Answer(200, {"access_token": "t", "token_type": "bearer", "expires_in": 60}),
    )
    scripted.on("GET", ONE, Answer(200, MODEL))
    assert make_client().get_model("m1") == MODEL


def test_delete_of_a_missing_model_is_done(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    scripted.on("DELETE", ONE, Answer(503, {}), Answer(404, {"code": "not.found"}))
    make_client().delete_model("m1")
    assert len(scripted.calls("DELETE", ONE)) == 2
