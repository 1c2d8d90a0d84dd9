"""Provisioning driven by the clock, and the provider rules that make it FAILED."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from reconciler.sandbox import ManualClock, SandboxServer
from reconciler.sandbox.lifecycle import key_rejection
from tests.sandbox.api import Api

AZURE = {"endpoint": "https://example.openai.azure.com"}
BEDROCK = {"region": "us-east-1"}

CASES = [
    ("openai", "sk-abc123", {}, True),
    ("openai", "pk-abc123", {}, False),
    ("anthropic", "sk-ant-abc", {}, True),
    ("anthropic", "sk-abc", {}, False),
    ("azure", "0123456789abcdef0123456789ABCDEF", AZURE, True),
    ("azure", "0123456789abcdef0123456789abcde", AZURE, False),
    ("azure", "0123456789abcdef0123456789abcdeg", AZURE, False),
    ("bedrock", "ABSKexample", BEDROCK, True),
    ("bedrock", "AKIAexample", BEDROCK, False),
]


@pytest.mark.parametrize(("provider", "key", "extra", "accepted"), CASES)
def test_provider_key_rules_decide_active_or_failed(
    sandbox: SandboxServer,
    sandbox_clock: ManualClock,
    provider: str,
    key: str,
    extra: dict[str, str],
    accepted: bool,
) -> None:
    api = Api(sandbox)
    model = api.create(provider=provider, credentials={"apiKey": key, **extra})
    assert model["credentials"] == extra
    sandbox_clock.advance(sandbox.provision_delays()["support-classifier"])
    settled = api.get(model["id"])
    body = settled.json()
    assert key not in settled.text
    if accepted:
        assert body["status"] == "ACTIVE"
        assert "errorReason" not in body
        return
    assert body["status"] == "FAILED"
    assert provider in body["errorReason"]
    [error] = body["errors"]
    assert error["message"] == body["errorReason"]
    assert error["code"] == "provider.credentials.rejected"
    assert set(error) == {
        "message",
        "code",
        "status",
        "messageWithParams",
        "messageParams",
        "contextId",
        "details",
        "errors",
    }


def test_rejection_reasons_never_quote_the_key() -> None:
    for provider, key, _, accepted in CASES:
        reason = key_rejection(provider, key)
        assert (reason is None) == accepted
        assert reason is None or key not in reason


def test_delays_are_drawn_from_the_range(sandbox_factory: Callable[..., SandboxServer]) -> None:
    clock = ManualClock()
    server = sandbox_factory(provision_seconds=(2.0, 5.0), seed=7, clock=clock)
    api = Api(server)
    ids = [api.create(f"model-{i}")["id"] for i in range(20)]
    delays = server.provision_delays()
    assert len(delays) == 20
    assert all(2.0 <= d <= 5.0 for d in delays.values())
    assert len(set(delays.values())) == 20
    clock.advance(2.0 - 1e-6)
    assert {api.get(i).json()["status"] for i in ids} == {"PROVISIONING"}
    clock.advance(3.0)
    assert {api.get(i).json()["status"] for i in ids} == {"ACTIVE"}


def test_seeded_servers_draw_the_same_delays(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    drawn = []
    for _ in range(2):
        server = sandbox_factory(seed=42, clock=ManualClock())
        Api(server).create("same")
        drawn.append(server.provision_delays())
    assert drawn[0] == drawn[1]


def test_real_clock_with_zero_delay_is_active_at_once(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    server = sandbox_factory(provision_seconds=(0.0, 0.0))
    api = Api(server)
    assert api.get(api.create()["id"]).json()["status"] == "ACTIVE"
