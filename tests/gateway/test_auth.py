"""OAuth client credentials: caching, early refresh, one refresh across threads, clear errors."""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Callable
from urllib.parse import parse_qs

import pytest

from reconciler.gateway import GatewayClient
from reconciler.gateway.errors import AuthError, Forbidden, GatewayError, Unauthorized
from reconciler.structs.errors import ExitCode
from tests.fixtures_gateway import Answer, FakeClock, ScriptedServer, Seen

MODEL = {"id": "m1", "name": "a", "version": 1}
TOKEN = "/oauth/token"
ONE = "/api/v2/ai/models/m1"


def test_token_request_is_basic_auth_with_a_form_body_to_the_login_host(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    scripted.on("GET", ONE, Answer(200, MODEL))
    make_client().get_model("m1")
    (request,) = scripted.calls("POST", TOKEN)
    assert (
        request.headers["Authorization"]
        == "Basic " + base64.b64encode(b"client-a:s3cret-value").decode()
    )
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.body.decode()) == {"grant_type": ["client_credentials"]}
    assert scripted.calls("GET", ONE)[0].headers["Authorization"] == "Bearer tok-1"


def test_token_is_cached_and_refreshed_60_seconds_before_expiry(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient], fake_clock: FakeClock
) -> None:
    scripted.on("GET", ONE, Answer(200, MODEL))
    client = make_client()
    client.get_model("m1")
    fake_clock.now += 3600 - 61
    client.get_model("m1")
    assert scripted.tokens_issued == 1
    fake_clock.now += 2
    client.get_model("m1")
    assert scripted.tokens_issued == 2
    assert scripted.calls("GET", ONE)[-1].headers["Authorization"] == "Bearer tok-2"
    assert client.stats.calls["token"] == 2


def test_one_refresh_at_a_time_across_threads(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    def slow_token(seen: Seen) -> Answer:
        time.sleep(0.2)
        return Answer(200, {"access_token": "tok-slow", "token_type": "bearer", "expires_in": 3600})

    scripted.on("POST", TOKEN, slow_token)
    scripted.on("GET", ONE, Answer(200, MODEL))
    client = make_client(pool_size=8)
    threads = [threading.Thread(target=client.get_model, args=("m1",)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(scripted.calls("POST", TOKEN)) == 1
    assert len(scripted.calls("GET", ONE)) == 8


def test_a_401_re_authenticates_once(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    scripted.on(
        "GET",
        ONE,
        Answer(401, {"message": "expired", "code": "bad.credentials"}),
        Answer(200, MODEL),
    )
    assert make_client().get_model("m1") == MODEL
    assert scripted.tokens_issued == 2
    assert [c.headers["Authorization"] for c in scripted.calls("GET", ONE)] == [
        "Bearer tok-1",
        "Bearer tok-2",
    ]


def test_a_second_401_raises_unauthorized_exit_5(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    scripted.on(
        "GET", ONE, Answer(401, {"message": "no", "code": "bad.credentials", "contextId": "ctx-9"})
    )
    with pytest.raises(Unauthorized) as caught:
        make_client().get_model("m1")
    assert caught.value.exit_code == ExitCode.UNREACHABLE
    assert caught.value.correlation_id == "ctx-9"
    assert len(scripted.calls("GET", ONE)) == 2


@pytest.mark.parametrize("status", [400, 401])
def test_invalid_client_names_the_environment_to_fix(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient], status: int
) -> None:
    scripted.on(
        "POST",
        TOKEN,
        Answer(
            status, {"error": "invalid_client", "description": "bad", "error_description": "bad"}
        ),
    )
    with pytest.raises(AuthError) as caught:
        make_client(environment="staging").list_page(1)
    assert caught.value.hint == "check clientId/clientSecret for environment staging"
    assert "s3cret-value" not in caught.value.render()
    assert len(scripted.calls("POST", TOKEN)) == 1


@pytest.mark.parametrize(
    ("method", "scope"), [("GET", "ai:models:read"), ("DELETE", "ai:models:write")]
)
def test_a_403_names_the_missing_scope(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient], method: str, scope: str
) -> None:
    scripted.on(
        method,
        ONE,
        Answer(403, {"message": "Missing permission", "code": "missing.scope", "status": 403}),
    )
    client = make_client()
    with pytest.raises(Forbidden) as caught:
        client.get_model("m1") if method == "GET" else client.delete_model("m1")
    assert scope in caught.value.message
    assert caught.value.hint is not None and scope in caught.value.hint


def test_neither_secret_nor_token_reaches_logs_or_reprs(
    scripted: ScriptedServer,
    make_client: Callable[..., GatewayClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    scripted.on("GET", ONE, Answer(503, {"message": "busy"}), Answer(401, {}), Answer(500, {}))
    client = make_client(max_attempts=3)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(GatewayError) as caught:
        client.get_model("m1")
    shown = caplog.text + repr(client) + repr(client.settings) + caught.value.render()
    shown += repr(client._caller.tokens)
    assert "attempt #2/3" in caplog.text
    for secret in ("s3cret-value", "tok-1", "tok-2", "client-a:s3cret"):
        assert secret not in shown
