"""Proxies: plain-http loopback traffic never goes through one; https goes through as a tunnel.

Plain http is allowed only to loopback (a sandbox, a local port-forward), and there the
connection must go where the URL says: through a proxy, the OAuth client's Basic credentials
and every bearer token would cross the network in the clear. https through a proxy is how
corporate networks work, so it keeps working, and the proxy sees only ``CONNECT host:port``.
A real forwarding proxy on loopback records what reaches it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reconciler.gateway import ClientSettings, GatewayClient
from reconciler.sandbox import ManualClock, SandboxServer, SystemClock
from reconciler.structs.errors import ExitCode
from tests.cli.test_main_job_cli import reconcile
from tests.fixtures_engine import ENV, ConfigRepo
from tests.fixtures_gateway import FakeClock
from tests.gateway.recording_proxy import RecordingProxy
from tests.gateway.test_sandbox import spec
from tests.gateway.tls_server import TlsServer, self_signed

PROXY_VARIABLES = (
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
)


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingProxy]:
    for name in (*PROXY_VARIABLES, "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    server = RecordingProxy()
    yield server
    server.close()


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"])
def test_plain_http_to_loopback_bypasses_the_proxy(
    variable: str,
    proxy: RecordingProxy,
    monkeypatch: pytest.MonkeyPatch,
    sandbox_factory: Callable[..., SandboxServer],
    sandbox_client: Callable[..., GatewayClient],
) -> None:
    monkeypatch.setenv(variable, proxy.url)
    server = sandbox_factory(clock=ManualClock(), provision_seconds=(0.0, 0.0))
    client = sandbox_client(server)
    created = client.create_model(spec("no-proxy-model"))
    assert client.get_model(created["id"])["name"] == "no-proxy-model"
    assert proxy.seen == [], "loopback traffic, Basic credentials included, went to the proxy"
    assert server.stats["token"] == 1


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[TlsServer, Path]]:
    cert, key = self_signed(tmp_path)
    server = TlsServer(cert, key)
    yield server, cert
    server.close()


def test_https_goes_through_the_proxy_as_a_blind_tunnel(
    proxy: RecordingProxy,
    tls_server: tuple[TlsServer, Path],
    monkeypatch: pytest.MonkeyPatch,
    fake_clock: FakeClock,
) -> None:
    server, cert = tls_server
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))  # how users trust a private CA
    settings = ClientSettings(server.base_url, server.base_url, "client-a", "s3cret-value")
    with GatewayClient(
        settings, sleep=fake_clock.sleep, monotonic=fake_clock.monotonic, rng=random.Random(5)
    ) as client:
        assert client.get_model("m1")["name"] == "over-tls"
    host = server.base_url.removeprefix("https://")
    assert [seen.line.rsplit(" ", 1)[0] for seen in proxy.seen] == [f"CONNECT {host}"]
    exposed = " ".join(f"{k}: {v}" for seen in proxy.seen for k, v in seen.headers.items())
    assert "Basic" not in exposed and "Bearer" not in exposed and "Authorization" not in exposed


def test_an_apply_against_a_loopback_sandbox_with_a_proxy_set_sends_it_nothing(
    proxy: RecordingProxy,
    monkeypatch: pytest.MonkeyPatch,
    sandbox_factory: Callable[..., SandboxServer],
    make_config_repo: Callable[[str], ConfigRepo],
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("ALL_PROXY", proxy.url)
    server = sandbox_factory(clock=SystemClock(), provision_seconds=(0.0, 0.0))
    repo = make_config_repo(server.base_url)
    repo.write_model("alpha-model")
    result = reconcile(repo, "--env", ENV, "--yes")
    assert result.returncode == ExitCode.OK, result.stderr
    assert proxy.seen == []
