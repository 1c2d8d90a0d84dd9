"""Suite-wide guards: no network but loopback, and shared fixtures.

The network guard wraps ``socket.connect`` so a test that tries to reach any address outside
127.0.0.0/8 or ::1 fails at once instead of hanging or leaking traffic.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest

pytest_plugins = ["tests.fixtures"]

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(address: Any) -> bool:
    if isinstance(address, (str, bytes)):
        return True  # AF_UNIX path
    host = address[0]
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if not _is_loopback(address):
        raise RuntimeError(f"test tried to open a non-loopback connection to {address!r}")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    if not _is_loopback(address):
        raise RuntimeError(f"test tried to open a non-loopback connection to {address!r}")
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True)
def _instant_embedded_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--sandbox`` runs provision in at most 50 ms (CLI processes inherit it too): what
    the tests check is the order of events, never the length of a real 1-3 s wait. A test
    about delays sets its own."""
    monkeypatch.setenv("RECONCILE_SANDBOX_PROVISION_SECONDS", "0:0.05")


@pytest.fixture(scope="session", autouse=True)
def _compiled_rules_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The guard's compiled rules are kept in one folder of this run, shared by its workers
    and the CLI processes they start (it would be ``~/.cache/reconcile``): compiled once a
    run instead of once a process, and nothing written into the user's home."""
    folder = tmp_path_factory.getbasetemp().parent / "reconcile-cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RECONCILE_CACHE_DIR", str(folder))
        yield


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    yield
