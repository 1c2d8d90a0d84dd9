"""Apply against a sandbox server: the ratio to the best achievable time, and polling's cost.

Usage: python benchmarks/apply_bench.py [--models 200] [--seeds 1,2,3,4,5] [--rate 300]
       [--provision 20:40] [--scale 10] [--small 50] [--unrelated 3000] [--baseline-models 0]

Real-world figures (300 requests/minute, 20-40 s provisioning) are divided by ``--scale`` for
the sandbox's rate limit, its provisioning delays, our poll intervals and the baseline's
delays alike, so a run takes seconds; every time printed is scaled back up to real seconds.

ideal = the best achievable time: after the plan's own requests, creates back to back at the
rate limit (less the client's one-second burst) in the order they were made, each model
ACTIVE after its own provisioning delay (the sandbox knows each, the model created last
included); the latest of those instants. Rows: ``--models`` models for each seed (targets:
median ratio <= 1.15, max <= 1.3), and ``--small`` models into an empty org and into one
holding ``--unrelated`` other models (target: the apply's requests at most 1.2x; the plan's
listing of the org, which the API cannot filter, is printed beside it). The baseline
(sequential create, poll after 5 s, doubling to 60 s) runs on ``--baseline-models`` when
asked. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from reconciler.engine.apply.execute import Applier, ApplySettings
from reconciler.engine.apply.poller import PollSettings
from reconciler.engine.plan.prepare import prepare
from reconciler.engine.record.recorder import Recorder
from reconciler.gateway import ClientSettings, GatewayClient
from reconciler.sandbox import SandboxServer, SandboxSettings
from reconciler.sandbox.lifecycle import Record
from reconciler.sandbox.persistence import save_state
from reconciler.structs.manifests import EnvironmentConfig, LoadedEnvironment, ModelEndpoint, Policy

ENV = "bench"


@dataclass
class Row:
    label: str
    models: int
    wall: float
    calls: dict[str, int]
    rate_limited: int
    ideal: float | None = None
    note: str = ""
    requests: int = 0
    apply_requests: int = 0


def manifests(n: int) -> tuple[ModelEndpoint, ...]:
    spec = {
        "provider": "openai",
        "modelId": "gpt-4o-mini",
        "credentials": {"apiKey": "${BENCH_OPENAI_KEY}"},
        "configuration": {"temperature": 0.1, "maxTokens": 256},
        "promptTemplate": "Classify: <input>{input}</input>",
        "responseSchema": {"type": "object", "properties": {"c": {"type": "string"}}},
    }
    return tuple(ModelEndpoint(name=f"bench-model-{i:04d}", spec=spec) for i in range(n))


def loaded(n: int, *, rate: int, parallel: int) -> LoadedEnvironment:
    policy = Policy(max_parallel=parallel, requests_per_minute=rate, provision_timeout_seconds=3600)
    config = EnvironmentConfig(
        name=ENV, region="sandbox", client_id_ref="${X}", client_secret_ref="${Y}", policy=policy
    )
    return LoadedEnvironment(config=config, models=manifests(n))


def client_for(server: SandboxServer, rate: int, scale: float = 1.0) -> GatewayClient:
    """The client's burst is one *real* second of its rate, so it shrinks with the scale."""
    return GatewayClient(
        ClientSettings(
            api_base_url=server.base_url,
            login_base_url=server.base_url,
            client_id="sandbox",
            client_secret="sandbox-secret",
            requests_per_minute=rate,
            pool_size=16,
            burst_seconds=1.0 / scale,
        )
    )


def environ() -> dict[str, str]:
    return {"BENCH_OPENAI_KEY": "sk-bench-0000000000000000"}


def unrelated_state(folder: Path, count: int) -> Path:
    """A sandbox state file holding ``count`` ACTIVE models this reconciler does not manage."""
    records = [
        Record.settled(
            id=str(uuid.UUID(int=i + 1)),
            fields={"name": f"unrelated-{i:05d}", "provider": "openai", "modelId": "gpt-4o"},
            seq=i + 1,
            at=1.0,
        ).to_json()
        for i in range(count)
    ]
    path = folder / "org.json"
    save_state(path, records)
    return path


def run_apply(n: int, args: argparse.Namespace, *, seed: int, unrelated: int = 0) -> Row:
    rate = args.rate * args.scale
    lo, hi = (float(x) / args.scale for x in args.provision.split(":"))
    with tempfile.TemporaryDirectory(prefix="reconcile-bench-") as tmp:
        state = unrelated_state(Path(tmp), unrelated) if unrelated else None
        settings = SandboxSettings(
            provision_seconds=(lo, hi), rate_limit=rate, seed=seed, state_file=state
        )
        with SandboxServer(settings) as server, client_for(server, rate, args.scale) as client:
            return _apply(n, args, server, client, rate=rate, unrelated=unrelated)


def _apply(
    n: int,
    args: argparse.Namespace,
    server: SandboxServer,
    client: GatewayClient,
    *,
    rate: float,
    unrelated: int,
) -> Row:
    env = loaded(n, rate=rate, parallel=args.parallel)
    started = time.monotonic()
    prepared = prepare(env, client, environ=environ(), sandbox=False, prune=False)
    planned = sum(client.stats.calls.values())
    poll = PollSettings(initial=1.0 / args.scale, maximum=10.0 / args.scale)
    applier = Applier(
        prepared,
        client,
        settings=ApplySettings(max_parallel=args.parallel, provision_timeout=3600, poll=poll),
        recorder=Recorder(None, environment=ENV, actor="bench", git_commit=None),
    )
    result = applier.run()
    wall = time.monotonic() - started
    assert not result.failures, result.failures[:3]
    calls = dict(client.stats.calls)
    total = sum(calls.values())
    ideal = _best_achievable(client, server, rate / 60, first=planned, burst=args.rate / 60)
    second = prepare(env, client, environ=environ(), sandbox=False, prune=False)
    assert not second.plan.pending, "a second plan right after the apply must be empty"
    note = f"{unrelated:,} unrelated" if unrelated else ""
    return Row(
        "reconcile",
        n,
        wall * args.scale,
        calls,
        client.stats.rate_limited,
        ideal * args.scale,
        note,
        requests=total,
        apply_requests=total - planned,
    )


def _best_achievable(
    client: GatewayClient, server: SandboxServer, per_second: float, *, first: int, burst: float
) -> float:
    """The best any client could do: after the ``first`` requests of the plan (token, list),
    creates back to back at the rate limit less the client's one-second burst, in the order
    they were made, each model ACTIVE after its own provisioning delay; the latest of those.
    The sandbox knows each delay, the model created last included."""
    mine = [m for m in client.list_models() if str(m.get("name", "")).startswith("bench-")]
    ordered = sorted(mine, key=lambda m: str(m.get("dateCreated")))
    delays = server.provision_delays()
    return max(
        max(0.0, first + i - burst) / per_second + float(delays[str(m["name"])])
        for i, m in enumerate(ordered)
    )


def run_baseline(n: int, args: argparse.Namespace) -> Row:
    rate = args.rate * args.scale
    lo, hi = (float(x) / args.scale for x in args.provision.split(":"))
    settings = SandboxSettings(provision_seconds=(lo, hi), rate_limit=rate, seed=7)
    body_of = {m.name: m for m in manifests(n)}
    with SandboxServer(settings) as server, client_for(server, rate, args.scale) as client:
        env = loaded(n, rate=rate, parallel=1)
        started = time.monotonic()
        prepared = prepare(env, client, environ=environ(), sandbox=False, prune=False)
        for name in body_of:
            model = client.create_model(dict(prepared.bodies[name]))
            delay = 5.0 / args.scale
            while True:
                time.sleep(delay)
                if client.get_model(str(model["id"])).get("status") == "ACTIVE":
                    break
                delay = min(delay * 2, 60.0 / args.scale)
        wall = time.monotonic() - started
        return Row(
            "baseline", n, wall * args.scale, dict(client.stats.calls), client.stats.rate_limited
        )


def print_table(rows: list[Row], baseline_per_model: float | None) -> None:
    print(
        f"{'run':10} {'models':>6} {'wall s':>9} {'ideal s':>8} {'ratio':>6} "
        f"{'vs base':>8} {'429s':>5} {'requests':>8} {'apply':>6}  calls by kind / notes"
    )
    for r in rows:
        ratio = f"{r.wall / r.ideal:.2f}" if r.ideal else "-"
        speedup = "-"
        if baseline_per_model and r.label == "reconcile":
            speedup = f"{baseline_per_model * r.models / r.wall:.0f}x"
        ideal = f"{r.ideal:.1f}" if r.ideal else "-"
        calls = ",".join(f"{k}={v}" for k, v in sorted(r.calls.items()) if v)
        print(
            f"{r.label:10} {r.models:6d} {r.wall:9.1f} {ideal:>8} {ratio:>6} {speedup:>8} "
            f"{r.rate_limited:5d} {r.requests:8d} {r.apply_requests:6d}  {calls} {r.note}"
        )


def check(label: str, value: float, limit: float) -> bool:
    ok = value <= limit
    print(f"target {label}: {value:.2f} (<= {limit:g}) {'ok' if ok else 'MISSED'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=200)
    parser.add_argument("--seeds", default="1,2,3,4,5")
    parser.add_argument("--rate", type=int, default=300, help="requests per minute (real)")
    parser.add_argument("--provision", default="20:40", help="MIN:MAX seconds (real)")
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument("--small", type=int, default=50, help="models of the unrelated-org row")
    parser.add_argument("--unrelated", type=int, default=3000)
    parser.add_argument("--baseline-models", type=int, default=0)
    args = parser.parse_args()
    base = run_baseline(args.baseline_models, args) if args.baseline_models else None
    per_model = base.wall / base.models if base else None
    rows = [base] if base else []
    seeds = [int(s) for s in args.seeds.split(",")]
    runs = [run_apply(args.models, args, seed=seed) for seed in seeds]
    for seed, row in zip(seeds, runs, strict=True):
        row.note = f"seed {seed}"
    empty = run_apply(args.small, args, seed=seeds[0])
    crowded = run_apply(args.small, args, seed=seeds[0], unrelated=args.unrelated)
    rows += [*runs, empty, crowded]
    print(
        f"the plan lists the org first (no filter in the API): {crowded.requests} requests in "
        f"all with {args.unrelated:,} unrelated, {empty.requests} into an empty org "
        f"({crowded.requests / empty.requests:.2f}x); the apply after it is compared below"
    )
    print(
        f"scale 1/{args.scale:g}: times below are real-world seconds "
        f"(rate {args.rate}/min, provisioning {args.provision} s); ideal = best achievable"
    )
    print_table(rows, per_model)
    ratios = sorted(r.wall / (r.ideal or r.wall) for r in runs)
    print(
        f"{args.models} models, {len(runs)} seeds: ratio to ideal min {ratios[0]:.2f}, "
        f"median {statistics.median(ratios):.2f}, max {ratios[-1]:.2f}"
    )
    results = [
        check(f"apply {args.models} ratio median", statistics.median(ratios), 1.15),
        check(f"apply {args.models} ratio max", max(ratios), 1.3),
        check(
            f"apply {args.small} into {args.unrelated:,} unrelated / into empty, apply requests",
            crowded.apply_requests / empty.apply_requests,
            1.2,
        ),
    ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
