"""kill -9 of a real ``reconcile serve`` while its direct-apply job provisions, then a restart
on the same checkout: the service commits the job's records at start-up (before it answers),
the next job completes the record, and nothing is left uncommitted or reads as drift. Started
on a fresh clone instead (the killed service's disk lost), the next job recovers the changes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from reconciler.engine.jobs.drift_job import DriftRequest, run_drift
from reconciler.engine.record.accounting import unaccounted_changes
from reconciler.sandbox import SandboxServer, SystemClock
from reconciler.structs.drift import DriftKind
from tests.fixtures_engine import ENV, ConfigRepo, live_models, model_manifest
from tests.fixtures_gitops import configure, git
from tests.fixtures_serve import TOKENS, commit_all, token_file

STATE = f"state/{ENV}"
POLICY = {
    "prune": False,
    "maxParallel": 4,
    "requestsPerMinute": 6000,
    "provisionTimeoutSeconds": 120,
    "serveApply": True,
}


@pytest.fixture
def server(sandbox_factory: Callable[..., SandboxServer]) -> SandboxServer:
    return sandbox_factory(clock=SystemClock(), provision_seconds=(1.0, 1.0))


@pytest.fixture
def repo(server: SandboxServer, make_config_repo: Callable[[str], ConfigRepo]) -> ConfigRepo:
    return _committed_repo(make_config_repo(server.base_url))


def _committed_repo(made: ConfigRepo) -> ConfigRepo:
    """A git checkout with the service's policy and one model, committed on main."""
    git(made.root.parent, "init", "--quiet", "-b", "main", str(made.root))
    configure(made.root)
    made.write_environment(policy=POLICY)
    made.write_model("alpha-model")
    commit_all(made.root)
    return made


@contextmanager
def serving(
    repo: ConfigRepo, tokens: Path, *options: str
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    command = [sys.executable, "-m", "reconciler", "serve", "--port", "0", "--tokens", str(tokens)]
    proc = subprocess.Popen(
        [*command, "--root", str(repo.root), *options],
        env={**os.environ, **repo.environ},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        _wait(lambda: _answers(url), what="the service to answer")
        yield proc, url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/healthz", timeout=1).status_code == 200
    except requests.RequestException:  # not listening yet, or busy committing leftovers
        return False


def _wait(done: Callable[[], bool], *, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.005)


def apply(url: str, name: str, temperature: float) -> str:
    model = model_manifest(name, configuration={"temperature": temperature, "maxTokens": 100})
    answer = requests.post(
        f"{url}/api/configure-model",
        headers={"Authorization": f"Bearer {TOKENS['admin']}"},
        json={"env": ENV, "model": model, "apply": True, "replaceExisting": True},
        timeout=30,
    )
    assert answer.status_code == 202, answer.text
    return str(answer.json()["job"]["links"]["self"])


def accepted(root: Path) -> bool:
    path = root / STATE / "audit.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return any(json.loads(line)["result"].startswith("ACCEPTED") for line in lines)


def finished(url: str, link: str) -> dict[str, Any]:
    job: dict[str, Any] = {}

    def done() -> bool:
        nonlocal job
        job = requests.get(f"{url}{link}", headers=_viewer(), timeout=10).json()
        return job["status"] in ("SUCCEEDED", "FAILED")

    _wait(done, what=f"job {link}")
    return job


def _viewer() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS['viewer']}"}


@pytest.mark.parametrize("restart", ["same-checkout", "fresh-clone"])
def test_a_service_killed_during_a_job_recovers_when_it_starts_again(
    repo: ConfigRepo, server: SandboxServer, tmp_path: Path, restart: str
) -> None:
    tokens = token_file(tmp_path / "tokens.txt")
    with serving(repo, tokens) as (proc, url):
        apply(url, "beta-model", 0.3)
        _wait(lambda: accepted(repo.root), what="the job's first accepted write")
        os.killpg(proc.pid, signal.SIGKILL)
    assert git(repo.root, "status", "--porcelain", "--", STATE) != ""
    served = repo
    if restart == "fresh-clone":
        clone = tmp_path / "clone"
        git(tmp_path, "clone", "--quiet", str(repo.root), str(clone))
        configure(clone)
        served = ConfigRepo(root=clone, base_url=repo.base_url, environ=repo.environ)

    with serving(served, tokens) as (_proc, url):
        assert git(served.root, "status", "--porcelain", "--", STATE) == ""
        if restart == "same-checkout":
            subject = git(served.root, "log", "-1", "--format=%s")
            assert "interrupted run left uncommitted" in subject
        job = finished(url, apply(url, "beta-model", 0.3))
        assert job["status"] == "SUCCEEDED", job

    assert git(served.root, "status", "--porcelain", "--", STATE) == ""
    live = live_models(server)
    assert sorted(m["name"] for m in live) == ["alpha-model", "beta-model"]
    assert unaccounted_changes(served.root, ENV, live) == []
    report = run_drift(DriftRequest(root=served.root, environment=ENV, environ=served.environ))
    assert report.of(DriftKind.DRIFTED) + report.of(DriftKind.UNMANAGED) == []


def test_sigterm_during_a_job_checkpoints_it_records_committed_and_the_job_says_so(
    sandbox_factory: Callable[..., SandboxServer],
    make_config_repo: Callable[[str], ConfigRepo],
    tmp_path: Path,
) -> None:
    """Graceful shutdown: a job that cannot finish within --stop-grace stops sending writes,
    finishes the calls in flight, records and commits them, and ends FAILED 'interrupted'
    (kept on disk, so the restarted service shows the same job); nothing is left uncommitted."""
    slow = sandbox_factory(clock=SystemClock(), provision_seconds=(60.0, 60.0))
    made = _committed_repo(make_config_repo(slow.base_url))
    tokens = token_file(tmp_path / "tokens.txt")
    with serving(made, tokens, "--stop-grace", "0.2") as (proc, url):
        link = apply(url, "beta-model", 0.3)
        _wait(lambda: accepted(made.root), what="the job's first accepted write")
        began = time.monotonic()
        os.killpg(proc.pid, signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        stopped_in = time.monotonic() - began
    assert stopped_in < 10, f"took {stopped_in:.1f} s to stop"
    assert git(made.root, "status", "--porcelain", "--", STATE) == ""
    assert "beta-model" in git(made.root, "show", "HEAD", "--", STATE)
    with serving(made, tokens) as (_proc, url):
        job = finished(url, link)
    assert job["status"] == "FAILED" and job["exitCode"] == 130, job
    assert job["result"]["error"]["code"] == "interrupted"
    assert "what was applied is recorded and committed" in job["result"]["error"]["message"]
    outcomes = {o["name"]: o["state"] for o in job["result"]["result"]["outcomes"]}
    assert outcomes == {"alpha-model": "INTERRUPTED", "beta-model": "INTERRUPTED"}
    assert unaccounted_changes(made.root, ENV, live_models(slow)) == []
