"""Load figures for the gateway client against the sandbox (issue 5's done-when).

    python benchmarks/client_load.py [--speed 200] [--calls 200] [--workers 8]

Prints the rate each paced run achieved and exits 1 when a target is missed.
Scenarios: 200 calls sequentially and from 8 threads against a sandbox limited to 60 requests
a minute (client paced at the same 60/min), and 200 calls with a 30 % injected 5xx rate. Time
is virtual: sandbox and client share a clock running ``--speed`` times faster than the wall
clock, so one "minute" of traffic takes 60/speed real seconds. ``--speed 1`` runs in real time.
The client's token bucket runs on that clock too, so its burst (one virtual second of the rate)
is the real one and ``burst_seconds`` keeps its default; a benchmark that instead multiplies the
rate by a factor on the wall clock must pass ``burst_seconds=1 / factor``.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from reconciler.gateway import ClientSettings, GatewayClient
from reconciler.gateway.errors import Conflict, GatewayError
from reconciler.sandbox import SandboxServer, SandboxSettings


class ScaledClock:
    """Virtual epoch time running ``speed`` times faster than the wall clock."""

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self._origin = time.monotonic()

    def now(self) -> float:
        return 1_700_000_000.0 + (time.monotonic() - self._origin) * self.speed

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds / self.speed)


def model(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "provider": "openai",
        "modelId": "gpt-4o-mini",
        "credentials": {"apiKey": "sk-bench-0123456789"},
        "configuration": {"temperature": 0.1, "maxTokens": 100, "topP": 1.0},
        "promptTemplate": "Classify: {input}",
        "labels": {},
    }


def client_for(server: SandboxServer, clock: ScaledClock, **settings: Any) -> GatewayClient:
    config = ClientSettings(
        server.base_url, server.base_url, "sandbox", "sandbox-secret", **settings
    )
    return GatewayClient(config, sleep=clock.sleep, monotonic=clock.now)


def paced(*, speed: float, calls: int, workers: int) -> dict[str, Any]:
    """``calls`` mixed get/list calls at 60/min on both sides; 429s and errors counted."""
    clock = ScaledClock(speed)
    settings = SandboxSettings(rate_limit=60, provision_seconds=(0.0, 0.0))
    with (
        SandboxServer(settings, clock=clock) as server,
        client_for(server, clock, requests_per_minute=60, pool_size=max(workers, 1)) as client,
    ):
        ids = [client.create_model(model(f"bench-{n}"))["id"] for n in range(3)]
        errors: list[str] = []

        def one(n: int) -> None:
            try:
                client.list_page(1, 10) if n % 4 == 0 else client.get_model(ids[n % 3])
            except GatewayError as e:
                errors.append(type(e).__name__)

        started, wall = clock.now(), time.monotonic()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(one, range(calls)))
        elapsed = clock.now() - started
        return {
            "rate_per_minute": round(calls / elapsed * 60, 1),
            "workers": workers,
            "calls": calls,
            "errors": len(errors),
            "server_429s": server.stats["rate_limited"],
            "client_retries": client.stats.retries,
            "virtual_seconds": round(clock.now() - started, 1),
            "wall_seconds": round(time.monotonic() - wall, 2),
        }


def faulty(*, speed: float, calls: int, workers: int) -> dict[str, Any]:
    """``calls`` creates and lists with 30 % injected 5xx; typed failures and duplicates."""
    clock = ScaledClock(speed)
    settings = SandboxSettings(error_rate=0.3, seed=5, provision_seconds=(0.0, 0.0))
    with (
        SandboxServer(settings, clock=clock) as server,
        client_for(server, clock, max_attempts=4, pool_size=max(workers, 1)) as client,
    ):
        created: list[str] = []
        outcomes = {"ok": 0, "typed_error": 0, "conflict": 0}
        lock = threading.Lock()

        def one(n: int) -> None:
            outcome = "ok"
            try:
                if n % 5 == 0:
                    created.append(client.create_model(model(f"faulty-{n:03d}"))["name"])
                else:
                    list(client.list_models(page_size=25))
            except Conflict:
                outcome = "conflict"
            except GatewayError:
                outcome = "typed_error"
            with lock:
                outcomes[outcome] += 1

        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(one, range(calls)))
        stored = [m["name"] for m in server.app.store.page(size=100, number=1)[0]]
        return {
            **outcomes,
            "faults_injected": server.stats["errors_injected"],
            "retries": client.stats.retries,
            "models_stored": len(stored),
            "creates_returned": len(created),
            "duplicates": len(stored) - len(set(stored)),
            "stored_matches_returned": sorted(stored) == sorted(created),
        }


def verdicts(report: dict[str, Any], *, limit: float) -> list[tuple[str, bool]]:
    """Each target with whether it was met: the paced runs reach at least 90 % of the limit
    without going over it (429s), the faulty run loses or duplicates nothing."""
    out = []
    for name in ("sequential_60_per_minute", "parallel_60_per_minute"):
        run = report[name]
        rate = run["rate_per_minute"]
        out.append(
            (
                f"{name}: {rate}/min within [{0.9 * limit:g}, {limit:g}]",
                0.9 * limit <= rate <= limit * 1.02,
            )
        )
        out.append(
            (
                f"{name}: {run['errors']} errors, {run['server_429s']} server 429s",
                run["errors"] == 0 and run["server_429s"] == 0,
            )
        )
    faults = report["error_rate_0_3"]
    out.append(
        (
            f"error_rate_0_3: {faults['duplicates']} duplicates, stored == returned",
            faults["duplicates"] == 0 and faults["stored_matches_returned"],
        )
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=float, default=200.0)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    report = {
        "sequential_60_per_minute": paced(speed=args.speed, calls=args.calls, workers=1),
        "parallel_60_per_minute": paced(speed=args.speed, calls=args.calls, workers=args.workers),
        "error_rate_0_3": faulty(speed=args.speed, calls=args.calls, workers=args.workers),
    }
    print(json.dumps(report, indent=2))
    results = verdicts(report, limit=60)
    for label, ok in results:
        print(f"target {label}: {'ok' if ok else 'MISSED'}")
    return 0 if all(ok for _, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
