"""TLS failures are configuration problems: reported at once, with the host and what to check.

An untrusted certificate (a private CA, a TLS-inspecting proxy) or TLS spoken to a plain HTTP
port fails the same way on every attempt, so retrying it five times only delays the message.
A peer that drops the connection is different: that may heal, and is still retried.
"""

from __future__ import annotations

import random
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reconciler.gateway import ClientSettings, GatewayClient
from reconciler.gateway.errors import TransportError
from reconciler.gateway.failures import SendFailed
from reconciler.structs.errors import ExitCode
from tests.fixtures_gateway import FakeClock, ScriptedServer
from tests.gateway.tls_server import TlsServer, self_signed


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[TlsServer]:
    server = TlsServer(*certificate)
    yield server
    server.close()


@pytest.fixture
def client_for(fake_clock: FakeClock) -> Iterator[Callable[..., GatewayClient]]:
    made: list[GatewayClient] = []

    def make(*, api: str, login: str) -> GatewayClient:
        settings = ClientSettings(
            api, login, "client-a", "s3cret-value", max_attempts=5, timeout_seconds=5.0
        )
        client = GatewayClient(
            settings, sleep=fake_clock.sleep, monotonic=fake_clock.monotonic, rng=random.Random(3)
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def assert_names_host_and_fix(error: SendFailed) -> None:
    assert error.code == "transport.tls"
    assert not error.maybe_sent and not error.retryable
    assert "TLS with 127.0.0.1 failed" in error.message
    assert error.hint is not None
    assert "certificate of 127.0.0.1" in error.hint and "proxy" in error.hint
    assert "apiBaseUrl" in error.hint
    assert error.exit_code == ExitCode.UNREACHABLE


def test_an_untrusted_api_certificate_fails_once_without_retrying(
    tls_server: TlsServer,
    scripted: ScriptedServer,
    client_for: Callable[..., GatewayClient],
    fake_clock: FakeClock,
) -> None:
    client = client_for(api=tls_server.base_url, login=scripted.base_url)
    with pytest.raises(SendFailed) as caught:
        client.get_model("m1")
    assert_names_host_and_fix(caught.value)
    assert "certificate not trusted" in caught.value.message
    assert "self-signed" in caught.value.message
    assert tls_server.connections == 1
    assert fake_clock.sleeps == [] and client.stats.retries == 0


def test_a_create_meeting_an_untrusted_certificate_is_not_looked_up_by_name(
    tls_server: TlsServer, scripted: ScriptedServer, client_for: Callable[..., GatewayClient]
) -> None:
    client = client_for(api=tls_server.base_url, login=scripted.base_url)
    with pytest.raises(SendFailed) as caught:
        client.create_model({"name": "a-model"})
    assert_names_host_and_fix(caught.value)
    # Nothing was sent, so there is nothing to look for: one connection, no list call.
    assert tls_server.connections == 1 and client.stats.calls["list"] == 0


def test_an_untrusted_login_certificate_fails_once(
    tls_server: TlsServer, client_for: Callable[..., GatewayClient], fake_clock: FakeClock
) -> None:
    client = client_for(api=tls_server.base_url, login=tls_server.base_url)
    with pytest.raises(SendFailed) as caught:
        client.list_page(1)
    assert_names_host_and_fix(caught.value)
    assert "/oauth/token" in caught.value.message
    assert tls_server.connections == 1 and client.stats.calls["token"] == 1
    assert "s3cret-value" not in caught.value.render()


def test_tls_spoken_to_a_plain_http_port_fails_once(
    scripted: ScriptedServer, client_for: Callable[..., GatewayClient], fake_clock: FakeClock
) -> None:
    https_to_http = scripted.base_url.replace("http://", "https://")
    client = client_for(api=https_to_http, login=scripted.base_url)
    with pytest.raises(SendFailed) as caught:
        client.get_model("m1")
    assert_names_host_and_fix(caught.value)
    assert "certificate not trusted" not in caught.value.message
    assert fake_clock.sleeps == [] and client.stats.calls["get"] == 1


def test_trusting_the_ca_as_the_hint_says_makes_it_work(
    tls_server: TlsServer,
    certificate: tuple[Path, Path],
    client_for: Callable[..., GatewayClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate[0]))
    client = client_for(api=tls_server.base_url, login=tls_server.base_url)
    assert client.get_model("m1") == {"id": "m1", "name": "over-tls", "version": 1}


def test_a_peer_that_hangs_up_mid_handshake_is_still_retried(
    client_for: Callable[..., GatewayClient], fake_clock: FakeClock
) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[int] = []

    def hang_up() -> None:
        for _ in range(5):
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(1)
            conn.close()

    thread = threading.Thread(target=hang_up, daemon=True)
    thread.start()
    url = f"https://127.0.0.1:{listener.getsockname()[1]}"
    try:
        with pytest.raises(TransportError) as caught:
            client_for(api=url, login=url).list_page(1)
    finally:
        listener.close()
        thread.join(timeout=5)
    assert caught.value.code == "transport.error"
    assert len(accepted) == 5 and len(fake_clock.sleeps) == 4
