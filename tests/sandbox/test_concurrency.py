"""Many clients at once: no lost or duplicated models, one winner per conflict."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from reconciler.sandbox import ManualClock, SandboxServer
from tests.sandbox.api import MODELS, Api, model_body

WORKERS = 16


def test_parallel_creates_lose_and_duplicate_nothing(
    sandbox_factory: Callable[..., SandboxServer], tmp_path: Path
) -> None:
    server = sandbox_factory(
        rate_limit=10_000, state_file=tmp_path / "state.json", clock=ManualClock()
    )

    def worker(index: int) -> list[str]:
        api = Api(server)
        try:
            return [api.create(f"w{index:02d}-m{j:02d}")["id"] for j in range(10)]
        finally:
            api.close()

    with ThreadPoolExecutor(WORKERS) as pool:
        created = [i for ids in pool.map(worker, range(WORKERS)) for i in ids]
    assert len(created) == len(set(created)) == WORKERS * 10
    api = Api(server)
    listed: list[str] = []
    for page in (1, 2):
        body = api.call("GET", MODELS, params={"pageSize": 100, "pageNumber": page}).json()
        listed += [m["id"] for m in body["entities"]]
    assert sorted(listed) == sorted(created)
    assert server.stats["create"] == WORKERS * 10
    restarted = sandbox_factory(state_file=tmp_path / "state.json", clock=ManualClock())
    assert Api(restarted).call("GET", MODELS).json()["total"] == WORKERS * 10


def test_racing_creates_of_one_name_have_one_winner(sandbox: SandboxServer) -> None:
    def attempt(_: int) -> int:
        return Api(sandbox).call("POST", MODELS, json=model_body("contested")).status_code

    with ThreadPoolExecutor(WORKERS) as pool:
        statuses = list(pool.map(attempt, range(WORKERS)))
    assert sorted(statuses) == [202] + [409] * (WORKERS - 1)


def test_racing_updates_of_one_version_have_one_winner(sandbox: SandboxServer) -> None:
    model = Api(sandbox).create()

    def attempt(index: int) -> int:
        body = {**model_body(), "description": f"writer {index}", "version": 1}
        return Api(sandbox).call("PUT", f"{MODELS}/{model['id']}", json=body).status_code

    with ThreadPoolExecutor(WORKERS) as pool:
        statuses = list(pool.map(attempt, range(WORKERS)))
    assert sorted(statuses) == [202] + [409] * (WORKERS - 1)
    assert Api(sandbox).get(model["id"]).json()["version"] == 2
