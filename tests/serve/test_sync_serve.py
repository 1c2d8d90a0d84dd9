"""The service as operators run it: readiness beside liveness, process and build metrics, and
the sync agent inside it (``serve --sync``)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from reconciler.sandbox import ManualClock
from tests.fixtures_engine import ENV, ConfigRepo, live_models
from tests.fixtures_gitops import configure, git, publish
from tests.fixtures_serve import Api, commit_all, start_service


def test_readyz_names_each_check_and_turns_503_when_the_gateway_goes(
    served_repo: ConfigRepo, sandbox_factory: Callable[..., Any], tmp_path: Path
) -> None:
    gateway = sandbox_factory()
    served_repo.base_url = gateway.base_url
    served_repo.write_environment()
    commit_all(served_repo.root, "point at the gateway")
    with start_service(served_repo, ManualClock(), tmp_path) as running:
        api = Api(running.url, running.service)
        ready = api("GET", "/readyz", role=None)
        assert ready.status_code == 200, ready.text
        assert ready.json() == {
            "status": "ready",
            "checks": {"git": "ok", "lockDirectory": "ok", "gateway": {ENV: "ok"}},
        }
        gateway.stop()
        gone = api("GET", "/readyz", role=None)
        assert api("GET", "/healthz", role=None).status_code == 200
    assert gone.status_code == 503
    body = gone.json()
    assert body["status"] == "not-ready"
    assert body["checks"]["gateway"][ENV].startswith("cannot connect to the Gateway")
    assert "127.0.0.1" not in gone.text  # anyone may ask: no host, no credential


def test_metrics_carry_process_and_build_info_and_no_created_series(api: Api) -> None:
    api("GET", "/healthz", role=None)
    text = api("GET", "/metrics", role="viewer").text
    assert "process_cpu_seconds_total" in text and "process_resident_memory_bytes" in text
    assert "reconcile_build_info{" in text and "python_info{" in text
    assert "reconcile_serve_requests_total" in text
    assert "_created" not in text


@contextmanager
def syncing_service(
    make_config_repo: Callable[[str], ConfigRepo],
    sandbox_factory: Callable[..., Any],
    tmp_path: Path,
) -> Iterator[tuple[Any, Api, Any, Path]]:
    """``serve --sync`` on a clone of a bare remote whose environment says
    ``policy.sync.auto``; yields the running service, its API, the Gateway and the remote
    once the agent has finished a round in sync."""
    gateway = sandbox_factory(provision_seconds=(0.0, 0.0))
    seed = make_config_repo(gateway.base_url)
    path = seed.root / "environments" / ENV / "environment.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["spec"]["policy"]["sync"] = {"auto": True}
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    seed.write_model("support-classifier")
    bare = publish(seed.root, tmp_path)
    served = ConfigRepo(root=tmp_path / "served", base_url=gateway.base_url)
    subprocess.run(["git", "clone", "--quiet", str(bare), str(served.root)], check=True)
    configure(served.root)
    overrides = {"sync_envs": (ENV,), "sync_interval": 0.2, "push": True}
    with start_service(served, ManualClock(), tmp_path, **overrides) as running:
        api = Api(running.url, running.service)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = api("GET", f"/api/environments/{ENV}/sync", role="viewer").json()
            if (status.get("lastRound") or {}).get("inSync"):
                break
            time.sleep(0.1)
        yield running, api, gateway, bare


def test_serve_sync_runs_the_agent_and_shows_its_last_round(
    make_config_repo: Callable[[str], ConfigRepo],
    sandbox_factory: Callable[..., Any],
    tmp_path: Path,
) -> None:
    with syncing_service(make_config_repo, sandbox_factory, tmp_path) as (
        running,
        api,
        gateway,
        bare,
    ):
        status = api("GET", f"/api/environments/{ENV}/sync", role="viewer").json()
        metrics = api("GET", "/metrics", role="viewer").text
        assert api("GET", f"/api/environments/{ENV}/sync", role=None).status_code == 401
    assert status["agent"] is True and status["policy"] == {
        "auto": True,
        "selfHeal": False,
        "suspended": False,
    }
    assert status["lastRound"]["inSync"], status
    assert [m["name"] for m in live_models(gateway)] == ["support-classifier"]
    assert f'reconcile_sync_in_sync{{env="{ENV}"}} 1.0' in metrics
    pushed = git(bare, "log", "--format=%s", "-1", "main")
    assert pushed.startswith(f"reconcile({ENV}): 1 create")
    assert not running.service.sync._threads[0].is_alive()  # stopped with the service
