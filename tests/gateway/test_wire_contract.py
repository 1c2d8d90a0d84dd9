"""The client's wire contract, pinned by cassettes recorded once from the sandbox.

A missing cassette is recorded from a fresh sandbox (delete one to re-record it); an existing
one is replayed with no server at all, and ``all_played`` proves the client sent exactly the
recorded requests, in order, matched on method, path and query.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs

import pytest

from reconciler.gateway import ClientSettings, GatewayClient
from reconciler.gateway.errors import AuthError, BadRequest, Conflict, Forbidden, NotFound
from reconciler.sandbox import ClientSpec, ManualClock, SandboxServer
from tests.gateway.test_sandbox import spec
from tests.gateway.wire import CASSETTES, REDACTED, gateway_vcr

REPLAY_URL = "http://127.0.0.1:9"
CLIENTS = (ClientSpec("sandbox", "sandbox-secret"), ClientSpec("reader", "pw", ("ai:models:read",)))


class Wire:
    """Clients bound to either a recording sandbox or a replayed cassette."""

    def __init__(self, base_url: str, clock: ManualClock) -> None:
        self.base_url = base_url
        self.clock = clock
        self.clients: list[GatewayClient] = []

    def client(self, client_id: str = "sandbox", secret: str = "sandbox-secret") -> GatewayClient:
        settings = ClientSettings(
            self.base_url,
            self.base_url,
            client_id,
            secret,
            requests_per_minute=100_000,
            environment="wire",
        )
        client = GatewayClient(settings, sleep=self.clock.advance, monotonic=self.clock.now)
        self.clients.append(client)
        return client


@pytest.fixture
def wire(sandbox_factory: Callable[..., SandboxServer]) -> Callable[..., Any]:
    @contextmanager
    def use(name: str, **sandbox: Any) -> Iterator[tuple[Wire, Any]]:
        clock = ManualClock()
        recording = not (CASSETTES / name).exists()
        base = REPLAY_URL
        if recording:
            settings = {"clients": CLIENTS, "seed": 1, "provision_seconds": (5.0, 5.0), **sandbox}
            server = sandbox_factory(clock=clock, **settings)
            base = server.base_url
        with gateway_vcr().use_cassette(name) as cassette:
            bound = Wire(base, clock)
            yield bound, cassette
            for client in bound.clients:
                client.close()
        if not recording:
            assert cassette.all_played, f"{name}: the client skipped recorded requests"

    return use


def test_auth_and_paging(wire: Callable[..., Any]) -> None:
    with wire("auth_and_paging.yaml") as (bound, cassette):
        client = bound.client()
        for n in range(3):
            client.create_model(spec(f"wire-page-{n}"))
        assert [m["name"] for m in client.list_models(page_size=2)] == [
            "wire-page-0",
            "wire-page-1",
            "wire-page-2",
        ]
    token, *rest = cassette.requests
    assert (token.method, token.path) == ("POST", "/oauth/token")
    assert parse_qs(token.body.decode()) == {"grant_type": ["client_credentials"]}
    assert token.headers["Content-Type"] == "application/x-www-form-urlencoded"
    pages = [r.query for r in rest if r.method == "GET"]
    assert pages == [
        [("pageNumber", "1"), ("pageSize", "2")],
        [("pageNumber", "2"), ("pageSize", "2")],
    ]
    token_body = cassette.responses[0]["body"]["string"]
    assert json.loads(token_body)["access_token"] == REDACTED


def test_create_update_and_conflicts(wire: Callable[..., Any]) -> None:
    with wire("create_and_conflict.yaml") as (bound, _cassette):
        client = bound.client()
        created = client.create_model(spec("wire-create"))
        assert (created["status"], created["version"]) == ("PROVISIONING", 1)
        with pytest.raises(Conflict) as duplicate:
            client.create_model(spec("wire-create"))
        updated = client.update_model(created["id"], {**spec("wire-create"), "version": 1})
        with pytest.raises(Conflict) as stale:
            client.update_model(created["id"], {**spec("wire-create"), "version": 1})
    assert updated["version"] == 2 and updated["status"] == "UPDATING"
    assert duplicate.value.status == stale.value.status == 409
    assert stale.value.code == "general.conflict" and stale.value.correlation_id


def test_429_retry_after(wire: Callable[..., Any]) -> None:
    with wire("rate_limit_retry.yaml", rate_limit=1) as (bound, cassette):
        client = bound.client()
        client.list_page(1)
        started = bound.clock.now()
        client.list_page(1)
        waited = bound.clock.now() - started
    assert client.stats.rate_limited == 1 and client.stats.retries == 1
    statuses = [r["status"]["code"] for r in cassette.responses]
    assert statuses == [200, 200, 429, 200]
    assert waited == float(cassette.responses[2]["headers"]["Retry-After"][0]) == 60


def test_error_mapping(wire: Callable[..., Any]) -> None:
    with wire("error_mapping.yaml") as (bound, _cassette):
        with pytest.raises(AuthError) as bad_client:
            bound.client(secret="wrong-secret").list_page(1)
        client = bound.client()
        with pytest.raises(NotFound) as missing:
            client.get_model("00000000-0000-0000-0000-000000000000")
        created = client.create_model(spec("wire-errors"))
        with pytest.raises(BadRequest) as provider_change:
            client.update_model(
                created["id"], {**spec("wire-errors", provider="anthropic"), "version": 1}
            )
        with pytest.raises(Forbidden) as no_scope:
            bound.client("reader", "pw").delete_model(created["id"])
        client.delete_model(created["id"])
    assert bad_client.value.hint == "check clientId/clientSecret for environment wire"
    assert missing.value.code == "not.found" and missing.value.correlation_id
    assert provider_change.value.status == 400
    assert "ai:models:write" in no_scope.value.message
