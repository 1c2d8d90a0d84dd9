"""kill -9 of a real ``reconcile --commit`` process at several points, then a rerun in the same
checkout or in a fresh clone: every live change ends in a committed entry, nothing is left
uncommitted, and ``drift`` finds nothing changed outside git.

The points: right after the first intent entry (the write may or may not have been sent),
while an accepted create provisions, and after every record was written but before the commit
(a ``reference-transaction`` hook, which ``--no-verify`` does not skip, holds the commit until
the whole process group is killed, as a CI runner kills a job).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.engine.record.accounting import unaccounted_changes
from reconciler.sandbox import SandboxServer, SystemClock
from reconciler.structs.errors import ExitCode
from tests.fixtures_engine import ENV, ConfigRepo, live_models
from tests.fixtures_gitops import configure, git
from tests.fixtures_serve import commit_all

STATE = f"state/{ENV}"
HOOK = '#!/bin/sh\ntouch "$(git rev-parse --git-dir)/held"\nsleep 60\n'


@pytest.fixture
def server(sandbox_factory: Callable[..., SandboxServer]) -> SandboxServer:
    return sandbox_factory(clock=SystemClock(), provision_seconds=(0.3, 0.3))


@pytest.fixture
def repo(server: SandboxServer, make_config_repo: Callable[[str], ConfigRepo]) -> ConfigRepo:
    made = make_config_repo(server.base_url)
    git(made.root.parent, "init", "--quiet", "-b", "main", str(made.root))
    configure(made.root)
    made.write_model("alpha-model")
    commit_all(made.root)
    assert cli_run(made.root, made.environ, "--env", ENV, "--yes", "--commit")[0] == 0
    for name in ("beta-model", "gamma-model"):
        made.write_model(name)
    made.write_model("alpha-model", configuration={"temperature": 0.9, "maxTokens": 100})
    commit_all(made.root, "three changes")
    return made


def cli_run(root: Path, environ: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--root", str(root)], env=environ)
    return result.exit_code, result.stdout + result.stderr


def killed_at(repo: ConfigRepo, point: str) -> None:
    """Start an apply with --commit and SIGKILL its process group at ``point``."""
    if point == "commit":
        hook = repo.root / ".git" / "hooks" / "reference-transaction"
        hook.write_text(HOOK, encoding="utf-8")
        hook.chmod(0o755)
    command = [sys.executable, "-m", "reconciler", "--env", ENV, "--yes", "--commit"]
    proc = subprocess.Popen(
        [*command, "--root", str(repo.root)],
        env={**os.environ, **repo.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for(lambda: _reached(repo.root, point), proc)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    (repo.root / ".git" / "hooks" / "reference-transaction").unlink(missing_ok=True)


def _reached(root: Path, point: str) -> bool:
    if point == "commit":
        return (root / ".git" / "held").exists()
    path = root / STATE / "audit.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    word = {"intent": "INTENT", "accepted": "ACCEPTED"}[point]
    return sum(json.loads(line)["result"].startswith(word) for line in lines) >= 2


def _wait_for(reached: Callable[[], bool], proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not reached():
        assert proc.poll() is None, "the run ended before the kill point"
        assert time.monotonic() < deadline, "the kill point was never reached"
        time.sleep(0.002)


def check_recovered(root: Path, environ: dict[str, str], server: SandboxServer) -> None:
    code, text = cli_run(root, environ, "--env", ENV, "--yes", "--commit")
    assert code == ExitCode.OK, text
    assert git(root, "status", "--porcelain", "--", STATE) == ""
    live = live_models(server)
    assert sorted(m["name"] for m in live) == ["alpha-model", "beta-model", "gamma-model"]
    assert unaccounted_changes(root, ENV, live) == []
    code, text = cli_run(root, environ, "drift", "--env", ENV, "--format", "json")
    assert code == ExitCode.OK, text
    code, text = cli_run(root, environ, "audit", "verify", "--history", "--env", ENV)
    assert code == ExitCode.OK, text


@pytest.mark.parametrize("point", ["intent", "accepted", "commit"])
def test_a_rerun_in_the_same_checkout_commits_and_completes_the_record(
    repo: ConfigRepo, server: SandboxServer, point: str
) -> None:
    killed_at(repo, point)
    check_recovered(repo.root, repo.environ, server)


@pytest.mark.parametrize("point", ["accepted", "commit"])
def test_a_rerun_in_a_fresh_clone_recovers_what_the_killed_run_did(
    repo: ConfigRepo, server: SandboxServer, tmp_path: Path, point: str
) -> None:
    killed_at(repo, point)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(repo.root), str(clone))
    configure(clone)
    check_recovered(clone, repo.environ, server)
