"""Fixtures for anything that talks to the Gateway API emulator.

``sandbox`` is a started server on a free loopback port driven by ``sandbox_clock`` (a
``ManualClock``: advance it instead of sleeping); ``sandbox_factory`` starts servers with other
settings, e.g. ``sandbox_factory(rate_limit=5, clock=ManualClock())``. A factory server without
a clock uses the real one. Every server is stopped when the test ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from reconciler.sandbox import ManualClock, SandboxServer, SandboxSettings
from reconciler.sandbox.clock import Clock


@pytest.fixture
def sandbox_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def sandbox(sandbox_clock: ManualClock) -> Iterator[SandboxServer]:
    with SandboxServer(SandboxSettings(), port=0, clock=sandbox_clock) as server:
        yield server


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[..., SandboxServer]]:
    started: list[SandboxServer] = []

    def start(*, clock: Clock | None = None, **overrides: Any) -> SandboxServer:
        server = SandboxServer(SandboxSettings(**overrides), port=0, clock=clock)
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
