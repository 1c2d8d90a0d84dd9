"""Plan and apply against a sandbox server, with the starting point's strategy as a baseline.

Usage: python benchmarks/apply_bench.py [--models 10,100,200] [--plan-models 1000]
       [--rate 300] [--provision 20:40] [--scale 25] [--baseline-models 20]

Real-world figures (300 requests/minute, 20-40 s provisioning) are divided by ``--scale`` for
the sandbox's rate limit, its provisioning delays, our poll intervals and the baseline's
delays alike, so a run takes seconds; every time printed is scaled back up to real seconds.

ideal = (requests that cannot be avoided / rate limit) + provisioning delay of the model
created last (the sandbox knows each delay). Unavoidable: one token, one list, one create per
model. The baseline (sequential create, poll after 5 s, delay doubling, capped at 60 s) runs
on ``--baseline-models`` and is extrapolated linearly (it is strictly sequential).
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass
from typing import Any

from reconciler.engine.apply import Applier, ApplySettings
from reconciler.engine.poller import PollSettings
from reconciler.engine.prepare import prepare
from reconciler.engine.recorder import Recorder
from reconciler.gateway import ClientSettings, GatewayClient
from reconciler.sandbox import SandboxServer, SandboxSettings
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


def run_apply(n: int, args: argparse.Namespace) -> Row:
    rate = args.rate * args.scale
    lo, hi = (float(x) / args.scale for x in args.provision.split(":"))
    settings = SandboxSettings(provision_seconds=(lo, hi), rate_limit=rate, seed=7)
    with SandboxServer(settings) as server, client_for(server, rate, args.scale) as client:
        env = loaded(n, rate=rate, parallel=args.parallel)
        started = time.monotonic()
        prepared = prepare(env, client, environ=environ(), sandbox=False, prune=False)
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
        ideal = (n + 2) / (rate / 60) + _last_created_delay(client, server)
        bound = _lower_bound(client, server, rate / 60)
        second = prepare(env, client, environ=environ(), sandbox=False, prune=False)
        note = (
            f"second plan: {len(second.plan.pending)} write(s); strict lower bound "
            f"{bound * args.scale:.1f} s, ratio {wall / bound:.2f}"
        )
        return Row(
            "reconcile",
            n,
            wall * args.scale,
            dict(client.stats.calls),
            client.stats.rate_limited,
            ideal * args.scale,
            note,
        )


def _last_created_delay(client: GatewayClient, server: SandboxServer) -> float:
    models = list(client.list_models())
    last = max(models, key=lambda m: str(m.get("dateCreated")))
    return float(server.provision_delays()[str(last["name"])])


def _lower_bound(client: GatewayClient, server: SandboxServer, per_second: float) -> float:
    """The best any client could do at this rate: creates back to back in the order they were
    made, each model ACTIVE after its own delay; the latest of those instants."""
    models = sorted(client.list_models(), key=lambda m: str(m.get("dateCreated")))
    delays = server.provision_delays()
    return max((i + 3) / per_second + float(delays[str(m["name"])]) for i, m in enumerate(models))


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


def run_plan(n: int, args: argparse.Namespace) -> Row:
    settings = SandboxSettings(provision_seconds=(0.0, 0.0), rate_limit=100_000)
    with SandboxServer(settings) as server:
        with client_for(server, 100_000) as seeder:
            for m in manifests(n):
                body = prepare_body(m)
                seeder.create_model(body)
        with client_for(server, args.rate) as client:
            cpu0, wall0 = time.thread_time(), time.monotonic()
            prepared = prepare(
                loaded(n, rate=args.rate, parallel=8),
                client,
                environ=environ(),
                sandbox=False,
                prune=False,
            )
            cpu, wall = time.thread_time() - cpu0, time.monotonic() - wall0
            calls = sum(client.stats.calls.values())
            budget = math.ceil(n / 100) + 1
            note = (
                f"{calls} calls (target <= {budget}), {cpu:.2f} s CPU (target < 2), "
                f"{len(prepared.plan.pending)} pending"
            )
            return Row(
                "plan", n, wall, dict(client.stats.calls), client.stats.rate_limited, note=note
            )


def prepare_body(m: ModelEndpoint) -> dict[str, Any]:
    from reconciler.engine.prepare import desired_models

    env = LoadedEnvironment(config=loaded(0, rate=1, parallel=1).config, models=(m,))
    return dict(desired_models(env, environ(), sandbox=False)[0].body)


def print_table(rows: list[Row], baseline_per_model: float | None) -> None:
    print(
        f"{'run':10} {'models':>6} {'wall s':>9} {'ideal s':>8} {'ratio':>6} "
        f"{'vs base':>8} {'429s':>5}  calls by kind / notes"
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
            f"{r.rate_limited:5d}  {calls} {r.note}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="10,100,200")
    parser.add_argument("--plan-models", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=300, help="requests per minute (real)")
    parser.add_argument("--provision", default="20:40", help="MIN:MAX seconds (real)")
    parser.add_argument("--scale", type=float, default=25.0)
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument("--baseline-models", type=int, default=10)
    args = parser.parse_args()
    rows = [run_plan(args.plan_models, args)] if args.plan_models else []
    base = run_baseline(args.baseline_models, args) if args.baseline_models else None
    per_model = base.wall / base.models if base else None
    if base:
        base.note = f"(measured on {base.models}; {per_model:.1f} s per model, sequential)"
        rows.append(base)
    rows += [run_apply(int(n), args) for n in args.models.split(",")]
    print(
        f"scale 1/{args.scale:g}: times below are real-world seconds "
        f"(rate {args.rate}/min, provisioning {args.provision} s)"
    )
    print_table(rows, per_model)


if __name__ == "__main__":
    main()
