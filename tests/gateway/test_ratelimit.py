"""The client-side token bucket paces calls, across threads, to requests_per_minute."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from reconciler.gateway import GatewayClient
from reconciler.gateway.ratelimit import TokenBucket
from reconciler.sandbox import SandboxServer
from tests.fixtures_gateway import Answer, FakeClock, ScaledClock, ScriptedServer
from tests.gateway.test_sandbox import spec


def test_the_bucket_spaces_calls_at_the_rate_after_a_one_second_burst(
    fake_clock: FakeClock,
) -> None:
    bucket = TokenBucket(60, monotonic=fake_clock.monotonic, sleep=fake_clock.sleep)
    waits = [bucket.acquire() for _ in range(5)]
    assert waits == [0.0, 1.0, 1.0, 1.0, 1.0]
    fake_clock.now += 10
    assert bucket.acquire() == 0.0
    assert bucket.acquire() == pytest.approx(1.0)


def test_threads_queue_for_their_slots_instead_of_sharing_one(fake_clock: FakeClock) -> None:
    reservations: list[float] = []
    lock = threading.Lock()
    bucket = TokenBucket(600, monotonic=fake_clock.monotonic, sleep=lambda s: None)

    def worker() -> None:
        for _ in range(25):
            wait = bucket.acquire()
            with lock:
                reservations.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # With the clock standing still, the n-th caller waits n-10 tenths of a second: no two
    # callers got the same slot, whatever the thread interleaving.
    assert sorted(reservations) == pytest.approx([max(0.0, (n - 9) / 10) for n in range(100)])


def test_the_client_paces_api_calls_but_not_token_requests(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient], fake_clock: FakeClock
) -> None:
    scripted.on("GET", "/api/v2/ai/models/m1", Answer(200, {"id": "m1"}))
    client = make_client(requests_per_minute=120)
    for _ in range(11):
        client.get_model("m1")
    assert sum(fake_clock.sleeps) == pytest.approx(9 * 0.5)
    assert client.stats.calls["get"] == 11 and client.stats.calls["token"] == 1


def test_a_shorter_burst_holds_fewer_tokens_but_keeps_the_rate(fake_clock: FakeClock) -> None:
    # 6000/min for a benchmark running 25x faster than life: the real burst is 4 requests.
    bucket = TokenBucket(
        6000, monotonic=fake_clock.monotonic, sleep=fake_clock.sleep, capacity=100 / 25
    )
    waits = [bucket.acquire() for _ in range(7)]
    assert waits == pytest.approx([0.0] * 4 + [0.01] * 3)


def test_the_client_sizes_its_burst_from_burst_seconds(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient], fake_clock: FakeClock
) -> None:
    scripted.on("GET", "/api/v2/ai/models/m1", Answer(200, {"id": "m1"}))
    # 600/min is 10 a second; a tenth of a second's burst is a single request.
    client = make_client(requests_per_minute=600, burst_seconds=0.1)
    for _ in range(11):
        client.get_model("m1")
    assert fake_clock.sleeps == pytest.approx([0.1] * 10)
    assert client.settings.burst_capacity == 1.0


def test_short_lived_tokens_survive_a_tight_rate_limit_because_the_slot_comes_first(
    sandbox_factory: Callable[..., SandboxServer],
    sandbox_client: Callable[..., GatewayClient],
) -> None:
    # 1 s tokens on a clock 20 times fast (50 ms of real time) and 120 requests a minute
    # across 8 workers: a caller queues for seconds. A token fetched before that wait is
    # stale when sent; one fetched after is not. (0.3 s, 15 ms real, also expired between
    # fetch and send on a machine busy with other work: the suite failed here once.)
    server = sandbox_factory(clock=ScaledClock(20), token_ttl=1.0, provision_seconds=(0.0, 0.0))
    client = sandbox_client(server, requests_per_minute=120, pool_size=8)
    with ThreadPoolExecutor(max_workers=8) as pool:
        created = list(pool.map(lambda n: client.create_model(spec(f"short-{n:02d}")), range(50)))
    assert len({model["id"] for model in created}) == 50
    assert len(list(client.list_models())) == 50
