"""The server starts on port 0, issues a token and runs a model through its lifecycle."""

from __future__ import annotations

import socket

import pytest

from reconciler.sandbox import ManualClock, SandboxServer
from tests.sandbox.api import MODELS, Api


def test_create_then_active_after_the_drawn_delay(
    sandbox: SandboxServer, sandbox_clock: ManualClock
) -> None:
    api = Api(sandbox)
    created = api.create()
    assert created["status"] == "PROVISIONING"
    assert created["version"] == 1
    delay = sandbox.provision_delays()["support-classifier"]
    assert 20.0 <= delay <= 40.0
    sandbox_clock.advance(delay - 0.01)
    assert api.get(created["id"]).json()["status"] == "PROVISIONING"
    sandbox_clock.advance(0.02)
    assert api.get(created["id"]).json()["status"] == "ACTIVE"
    listed = api.call("GET", MODELS).json()
    assert [m["id"] for m in listed["entities"]] == [created["id"]]


def test_serves_on_ipv6_loopback_too() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        server = SandboxServer(host="::1", port=0)
        server.start()
    except OSError:
        pytest.skip("IPv6 loopback is not configured")
    try:
        assert server.base_url.startswith("http://[::1]:")
        assert Api(server).call("GET", MODELS).status_code == 200
    finally:
        server.stop()
