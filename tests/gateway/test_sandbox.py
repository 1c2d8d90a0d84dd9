"""The client against the sandbox over real HTTP: lifecycle, paging, auth, 429s and 5xx."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reconciler.gateway import GatewayClient
from reconciler.gateway.errors import (
    AuthError,
    BadRequest,
    Conflict,
    Forbidden,
    GatewayError,
    NotFound,
)
from reconciler.sandbox import ClientSpec, ManualClock, SandboxServer

Factory = Callable[..., SandboxServer]
Client = Callable[..., GatewayClient]


def spec(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "description": "test",
        "provider": "openai",
        "modelId": "gpt-4o-mini",
        "credentials": {"apiKey": "sk-test-0123456789"},
        "configuration": {"temperature": 0.1, "maxTokens": 100, "topP": 1.0},
        "promptTemplate": "Classify: {input}",
        "responseSchema": {
            "type": "object",
            "properties": {"category": {"type": "string"}},
            "required": ["category"],
        },
        "labels": {"team": "support"},
        **extra,
    }


def test_a_model_lives_and_dies_through_the_client(
    sandbox_factory: Factory, sandbox_client: Client
) -> None:
    clock = ManualClock()
    client = sandbox_client(sandbox_factory(clock=clock, provision_seconds=(5.0, 5.0)))
    created = client.create_model(spec("lifecycle-a"))
    assert (created["status"], created["version"]) == ("PROVISIONING", 1)
    assert "apiKey" not in created.get("credentials", {})
    with pytest.raises(Conflict):
        client.invoke_model(created["id"], input="hello")
    clock.advance(6)
    assert client.get_model(created["id"])["status"] == "ACTIVE"
    answer = client.invoke_model(created["id"], input="I was charged twice")
    assert isinstance(answer["result"], str | dict) and answer["usage"]["prompt_tokens"] > 0
    updated = client.update_model(created["id"], {**spec("lifecycle-a"), "version": 1})
    assert updated["version"] == 2
    with pytest.raises(Conflict) as stale:
        client.update_model(created["id"], {**spec("lifecycle-a"), "version": 1})
    assert stale.value.code == "general.conflict" and stale.value.correlation_id
    with pytest.raises(BadRequest):
        client.update_model(
            created["id"], {**spec("lifecycle-a", provider="anthropic"), "version": 2}
        )
    client.delete_model(created["id"])
    clock.advance(60)
    with pytest.raises(NotFound):
        client.get_model(created["id"])
    client.delete_model(created["id"])


def test_paging_reads_every_model_and_a_duplicate_name_is_a_conflict(
    sandbox_factory: Factory, sandbox_client: Client
) -> None:
    client = sandbox_client(sandbox_factory(clock=ManualClock(), provision_seconds=(0.0, 0.0)))
    for n in range(23):
        client.create_model(spec(f"paged-{n:02d}"))
    assert sorted(m["name"] for m in client.list_models(page_size=5)) == [
        f"paged-{n:02d}" for n in range(23)
    ]
    assert client.stats.calls["list"] == 5
    assert client.list_page(2, 10)["pageCount"] == 3
    assert client.find_model_by_name("paged-17") is not None
    with pytest.raises(Conflict):
        client.create_model(spec("paged-03"))


def test_token_expiry_mid_run_is_invisible(
    sandbox_factory: Factory, sandbox_client: Client
) -> None:
    clock = ManualClock()
    server = sandbox_factory(clock=clock, token_ttl=600)
    client = sandbox_client(server)
    client.list_page(1)
    clock.advance(570)
    client.list_page(1)
    assert server.stats["token"] == 2, "refreshed ahead of expiry, not after a 401"
    server.expire_tokens()
    client.list_page(1)
    assert server.stats["token"] == 3 and client.stats.calls["list"] == 4


def test_bad_credentials_and_missing_scopes_say_what_to_fix(
    sandbox_factory: Factory, sandbox_client: Client
) -> None:
    server = sandbox_factory(
        clock=ManualClock(),
        clients=(
            ClientSpec("sandbox", "sandbox-secret"),
            ClientSpec("reader", "pw", ("ai:models:read",)),
        ),
    )
    with pytest.raises(AuthError) as bad:
        sandbox_client(server, client_secret="wrong", environment="dev").list_page(1)
    assert bad.value.hint == "check clientId/clientSecret for environment dev"
    reader = sandbox_client(server, client_id="reader", client_secret="pw")
    assert reader.list_page(1)["entities"] == []
    with pytest.raises(Forbidden, match="ai:models:write"):
        reader.create_model(spec("forbidden"))


def test_a_429_storm_is_ridden_out_by_honouring_retry_after(
    sandbox_factory: Factory, sandbox_client: Client
) -> None:
    server = sandbox_factory(clock=ManualClock(), rate_limit=60)
    client = sandbox_client(server, requests_per_minute=100_000)
    for _ in range(150):
        client.list_page(1)
    assert client.stats.rate_limited == server.stats["rate_limited"] > 0
    assert client.stats.calls["list"] == 150 + client.stats.rate_limited


def test_5xx_bursts_are_retried_and_never_duplicate_a_create(
    sandbox_factory: Factory, sandbox_client: Client
) -> None:
    server = sandbox_factory(
        clock=ManualClock(), error_rate=0.5, seed=3, provision_seconds=(0.0, 0.0)
    )
    client = sandbox_client(server, max_attempts=8)
    created, failed = [], []
    for n in range(30):
        try:
            created.append(client.create_model(spec(f"bursty-{n:02d}"))["name"])
        except GatewayError as e:
            assert not isinstance(e, Conflict)
            failed.append(e)
    stored = [m["name"] for m in server.app.store.page(size=100, number=1)[0]]
    assert sorted(stored) == sorted(created) and len(set(stored)) == len(stored)
    assert server.stats["errors_injected"] > 10 and client.stats.retries > 10
