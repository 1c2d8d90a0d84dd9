"""The issue's done-when figures, checked on every run.

Both sides share a ``ScaledClock`` running 200 times faster than the wall clock, so a real
limit of 60 requests a minute is exercised in about a second per scenario: the client's own
token bucket has to pace the calls, or the sandbox answers 429.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from reconciler.gateway import GatewayClient
from reconciler.gateway.errors import Conflict, GatewayError
from reconciler.sandbox import ManualClock, SandboxServer
from tests.fixtures_gateway import ScaledClock
from tests.gateway.test_sandbox import spec

Factory = Callable[..., SandboxServer]
Client = Callable[..., GatewayClient]
CALLS = 200
PER_MINUTE = 60


def mixed_call(client: GatewayClient, ids: list[str], n: int) -> None:
    if n % 4 == 0:
        client.list_page(1, 10)
    else:
        client.get_model(ids[n % len(ids)])


@pytest.fixture
def paced(sandbox_factory: Factory, sandbox_client: Client) -> tuple[SandboxServer, GatewayClient]:
    server = sandbox_factory(
        clock=ScaledClock(200), rate_limit=PER_MINUTE, provision_seconds=(0.0, 0.0)
    )
    client = sandbox_client(server, requests_per_minute=PER_MINUTE, pool_size=8)
    return server, client


def seed_models(client: GatewayClient) -> list[str]:
    return [client.create_model(spec(f"load-{n}"))["id"] for n in range(3)]


def test_200_sequential_calls_stay_under_60_per_minute(
    paced: tuple[SandboxServer, GatewayClient],
) -> None:
    server, client = paced
    ids = seed_models(client)
    started = server.clock.now()
    for n in range(CALLS):
        mixed_call(client, ids, n)
    elapsed = server.clock.now() - started
    assert server.stats["rate_limited"] <= 3 and client.stats.rate_limited <= 3
    assert elapsed >= (CALLS - 2) * 60 / PER_MINUTE * 0.95


def test_200_parallel_calls_stay_under_60_per_minute(
    paced: tuple[SandboxServer, GatewayClient],
) -> None:
    server, client = paced
    ids = seed_models(client)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: mixed_call(client, ids, n), range(CALLS)))
    assert server.stats["rate_limited"] <= 3
    assert server.stats["get"] + server.stats["list"] >= CALLS


def test_with_a_30_percent_error_rate_calls_succeed_or_raise_typed_and_nothing_duplicates(
    sandbox_factory: Factory, sandbox_client: Client
) -> None:
    server = sandbox_factory(
        clock=ManualClock(), error_rate=0.3, seed=5, provision_seconds=(0.0, 0.0)
    )
    client = sandbox_client(server, max_attempts=4)
    outcomes: dict[str, list[Any]] = {"ok": [], "typed": [], "created": []}
    lock = threading.Lock()

    def work(n: int) -> None:
        value: object
        try:
            if n % 5 == 0:
                model = client.create_model(spec(f"faulty-{n:03d}"))
                with lock:
                    outcomes["created"].append(model["name"])
            else:
                list(client.list_models(page_size=25))
            outcome, value = "ok", n
        except GatewayError as e:
            outcome, value = "typed", e
        with lock:
            outcomes[outcome].append(value)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(work, range(CALLS)))
    assert len(outcomes["ok"]) + len(outcomes["typed"]) == CALLS
    assert not any(isinstance(e, Conflict) for e in outcomes["typed"])
    stored = [m["name"] for m in server.app.store.page(size=100, number=1)[0]]
    assert sorted(stored) == sorted(outcomes["created"])
    assert server.stats["errors_injected"] > 50
