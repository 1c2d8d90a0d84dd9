"""Polling costs what is pending, not what else the org holds: an apply into an org of
unrelated models reads its own models by id and makes the same requests as into an empty org."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reconciler.engine.apply.execute import Applier, ApplySettings
from reconciler.engine.apply.poller import PollSettings
from reconciler.engine.plan.prepare import prepare
from reconciler.engine.record.recorder import Recorder
from reconciler.gateway import GatewayClient
from reconciler.sandbox.clock import ManualClock
from reconciler.sandbox.lifecycle import Record
from reconciler.sandbox.persistence import save_state
from reconciler.structs.manifests import EnvironmentConfig, LoadedEnvironment, ModelEndpoint, Policy

SPEC = {
    "provider": "openai",
    "modelId": "gpt-4o-mini",
    "credentials": {"apiKey": "${KEY}"},
    "promptTemplate": "Classify: <input>{input}</input>",
}


def _org(path: Path, count: int) -> Path:
    records = [
        Record.settled(
            id=str(uuid.UUID(int=i + 1)),
            fields={"name": f"unrelated-{i:04d}", "provider": "openai", "modelId": "gpt-4o"},
            seq=i + 1,
            at=1.0,
        ).to_json()
        for i in range(count)
    ]
    save_state(path, records)
    return path


def _apply(server: Any, client: GatewayClient, clock: ManualClock, models: int) -> dict[str, int]:
    """Plan and apply ``models`` new models; the calls of the apply alone, by kind."""
    config = EnvironmentConfig(
        name="poll",
        region="sandbox",
        client_id_ref="${X}",
        client_secret_ref="${Y}",
        policy=Policy(max_parallel=4, requests_per_minute=300),
    )
    env = LoadedEnvironment(
        config=config, models=tuple(ModelEndpoint(f"new-{i:03d}", SPEC) for i in range(models))
    )
    prepared = prepare(env, client, environ={"KEY": "sk-test-0000"}, sandbox=False, prune=False)
    before = dict(client.stats.calls)
    result = Applier(
        prepared,
        client,
        settings=ApplySettings(max_parallel=4, provision_timeout=600, poll=PollSettings()),
        recorder=Recorder(None, environment="poll", actor="test", git_commit=None),
        monotonic=clock.now,
        sleep=clock.advance,
        rng=random.Random(3),
    ).run()
    assert [o.state for o in result.outcomes] == ["ACTIVE"] * models
    return {k: v - before.get(k, 0) for k, v in client.stats.calls.items()}


def test_apply_into_a_crowded_org_reads_only_its_own_models(
    tmp_path: Path,
    sandbox_factory: Callable[..., Any],
    sandbox_client: Callable[..., GatewayClient],
) -> None:
    calls = {}
    for unrelated in (0, 450):
        clock = ManualClock()
        state = _org(tmp_path / f"org-{unrelated}.json", unrelated) if unrelated else None
        server = sandbox_factory(
            clock=clock, provision_seconds=(20.0, 40.0), seed=4, state_file=state
        )
        calls[unrelated] = _apply(server, sandbox_client(server), clock, models=20)
    empty, crowded = calls[0], calls[450]
    assert crowded.get("list", 0) == 0 == empty.get("list", 0)
    assert empty["create"] == crowded["create"] == 20
    # Each model is read a few times, not once per round.
    assert 20 <= crowded["get"] <= 4 * 20
    assert sum(crowded.values()) <= 1.2 * sum(empty.values())
