"""One apply per environment at a time: on one machine, and across CI runners through the remote.

Two "runners" are two clones of one bare remote applying to one sandbox, as two CI jobs are.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.engine.jobs.drift_job import DriftRequest, run_drift
from reconciler.engine.jobs.mainjob import run_job
from reconciler.engine.jobs.request import JobHooks, JobRequest
from reconciler.engine.plan.prepare import desired_models
from reconciler.gitops.chain import audit_path
from reconciler.gitops.filelock import FileLock
from reconciler.gitops.holder import Holder
from reconciler.gitops.lease import Lease, lease_ref
from reconciler.manifests import load_environment
from reconciler.sandbox import ManualClock
from reconciler.structs.errors import ConfigError, EnvironmentLocked, ExitCode
from tests.fixtures_engine import ENV, ConfigRepo, default_client, live_models
from tests.fixtures_gitops import configure, git, publish


def holder(run: str) -> Holder:
    return Holder.for_run(actor=f"runner-{run}", run=run, environ={})


def apply(
    repo: ConfigRepo, clock: ManualClock, *, push: bool = False, lock_timeout: float = 5.0
) -> int:
    """The main job with its waits driven by the sandbox's manual clock."""
    request = JobRequest(
        root=repo.root,
        environment=ENV,
        push=push,
        commit=push,
        environ=repo.environ,
        lock_timeout=lock_timeout,
    )
    hooks = JobHooks(
        show_plan=lambda _p: None,
        confirm=lambda _p: True,
        sleep=clock.advance,
        monotonic=clock.now,
    )
    return run_job(request, hooks)


@pytest.fixture
def runners(config_repo: ConfigRepo, tmp_path: Path) -> tuple[ConfigRepo, ConfigRepo, Path]:
    """Two clones of a bare remote holding one environment with two models."""
    config_repo.write_model("alpha-model")
    config_repo.write_model("beta-model")
    bare = publish(config_repo.root, tmp_path)
    clones = []
    for name in ("runner-a", "runner-b"):
        target = tmp_path / name
        subprocess.run(["git", "clone", "--quiet", str(bare), str(target)], check=True, timeout=30)
        configure(target)
        clones.append(ConfigRepo(root=target, base_url=config_repo.base_url))
    return clones[0], clones[1], bare


def test_an_apply_waits_for_the_lock_on_this_machine_then_exits_5_changing_nothing(
    config_repo: ConfigRepo, sandbox: Any, sandbox_clock: ManualClock
) -> None:
    config_repo.write_model("alpha-model")
    other = FileLock(config_repo.root, ENV)
    other.acquire(holder("other"), timeout=0)
    try:
        with pytest.raises(EnvironmentLocked) as caught:
            apply(config_repo, sandbox_clock, lock_timeout=0.2)
    finally:
        other.release()
    assert caught.value.exit_code == ExitCode.UNREACHABLE
    assert "run other by runner-other@" in caught.value.message
    assert live_models(sandbox) == []
    assert not (config_repo.root / "state").exists()
    assert apply(config_repo, sandbox_clock) == ExitCode.OK


def test_a_second_runner_waits_for_the_remote_lease_then_exits_5(
    runners: tuple[ConfigRepo, ConfigRepo, Path], sandbox: Any, sandbox_clock: ManualClock
) -> None:
    a, b, bare = runners
    lease = Lease(a.root, ENV, ttl=60)
    lease.acquire(holder("a"), timeout=0)
    try:
        with pytest.raises(EnvironmentLocked, match="run a by runner-a@"):
            apply(b, sandbox_clock, push=True, lock_timeout=0.3)
        assert live_models(sandbox) == []
    finally:
        lease.release()
    assert apply(b, sandbox_clock, push=True) == ExitCode.OK
    assert len(live_models(sandbox)) == 2
    assert not git(bare, "for-each-ref", lease_ref(ENV)).strip()  # given back


def test_the_run_after_a_killed_lease_holder_names_it_in_the_recovery(
    runners: tuple[ConfigRepo, ConfigRepo, Path], sandbox: Any, sandbox_clock: ManualClock
) -> None:
    a, b, bare = runners
    killed = Lease(a.root, ENV, ttl=0.3)
    killed.acquire(holder("killed"), timeout=0)
    killed._stop.set()  # kill -9: the lease is neither renewed nor given back
    with default_client(sandbox) as client:  # what the killed run managed to create
        client.create_model(_body(a, "alpha-model"))
    time.sleep(0.4)
    assert apply(b, sandbox_clock, push=True) == ExitCode.OK
    log = git(bare, "show", f"main:state/{ENV}/audit.jsonl").splitlines()
    recovered = [json.loads(e) for e in log if '"MODEL_RECOVERED"' in e]
    assert [e["model"] for e in recovered] == ["alpha-model"]
    assert "run killed by runner-killed@" in recovered[0]["result"]
    assert "never released it" in recovered[0]["result"]


def test_unlock_breaks_only_a_dead_holders_lease_and_records_it(
    runners: tuple[ConfigRepo, ConfigRepo, Path],
) -> None:
    a, b, bare = runners
    killed = Lease(a.root, ENV, ttl=600)
    killed.acquire(holder("killed"), timeout=0)
    killed._stop.set()
    refused = CliRunner().invoke(cli, ["unlock", "--env", ENV, "--push", "--root", str(b.root)])
    assert refused.exit_code == ExitCode.INVALID, refused.output
    assert "has not lapsed" in refused.output and "--force" in refused.output
    assert git(bare, "for-each-ref", lease_ref(ENV)).strip()
    broken = CliRunner().invoke(
        cli, ["unlock", "--env", ENV, "--push", "--force", "--root", str(b.root)]
    )
    assert broken.exit_code == 0, broken.output
    assert "held by run killed" in broken.output
    assert not git(bare, "for-each-ref", lease_ref(ENV)).strip()
    log = git(bare, "show", f"main:state/{ENV}/audit.jsonl").splitlines()
    entry = json.loads(log[-1])
    assert entry["action"] == "LOCK_BROKEN" and "run killed" in entry["result"]
    again = CliRunner().invoke(cli, ["unlock", "--env", ENV, "--push", "--root", str(b.root)])
    assert again.exit_code == 0 and "no stale lock" in again.output


def _body(repo: ConfigRepo, name: str) -> dict[str, Any]:
    """The body the reconciler would send for ``name`` (as the killed run did)."""
    loaded = load_environment(repo.root, ENV)
    desired = {d.name: d.body for d in desired_models(loaded, repo.environ, sandbox=False)}
    return dict(desired[name])


def test_an_unknown_environment_is_refused_before_any_lock_is_waited_for(
    config_repo: ConfigRepo, sandbox: Any, sandbox_clock: ManualClock
) -> None:
    """A clone without the environment used to wait out a busy lock of that name first."""
    other = FileLock(config_repo.root, "qa")
    other.acquire(holder("other"), timeout=0)
    waits: list[str] = []
    request = JobRequest(root=config_repo.root, environment="qa", environ=config_repo.environ)
    hooks = JobHooks(
        show_plan=lambda _p: None,
        confirm=lambda _p: True,
        sleep=sandbox_clock.advance,
        monotonic=sandbox_clock.now,
        on_wait=waits.append,
    )
    try:
        with pytest.raises(ConfigError, match=r"unknown environment\(s\): qa \(known: "):
            run_job(request, hooks)
    finally:
        other.release()
    assert waits == []


def test_drift_records_its_finding_only_under_the_environment_lock(
    config_repo: ConfigRepo, sandbox: Any
) -> None:
    """Its entries extend the audit chain, as an apply's do: the two must not interleave."""
    config_repo.write_model("alpha-model")  # in git, not live: drift finds it missing
    request = DriftRequest(
        root=config_repo.root,
        environment=ENV,
        environ=config_repo.environ,
        commit=True,
        lock_timeout=0.2,
    )
    other = FileLock(config_repo.root, ENV)
    other.acquire(holder("other"), timeout=0)
    try:
        with pytest.raises(EnvironmentLocked, match="run other by runner-other@"):
            run_drift(request)
    finally:
        other.release()
    assert not audit_path(config_repo.root, ENV).exists()
