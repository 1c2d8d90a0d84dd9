"""`reconcile serve` as a user starts it: a process, its URL on the first line, the sandbox."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from reconciler.cli.main import cli
from tests.fixtures_gitops import configure, git

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def shipped_repo(tmp_path: Path) -> Path:
    """A copy of the shipped environments in a git repository of its own."""
    root = tmp_path / "config"
    shutil.copytree(REPO / "environments", root / "environments")
    git(tmp_path, "init", "--quiet", "-b", "main", str(root))
    configure(root)
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "shipped environments")
    return root


@pytest.fixture
def serving(shipped_repo: Path) -> Iterator[str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reconciler",
            "serve",
            "--sandbox",
            "--port",
            "0",
            "--root",
            str(shipped_repo),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    try:
        yield process.stdout.readline().strip()
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=10)
        assert "Traceback" not in err


def test_serve_sandbox_prints_its_url_and_accepts_the_sandbox_token(
    serving: str, shipped_repo: Path
) -> None:
    assert serving.startswith("http://127.0.0.1:")
    auth = {"Authorization": "Bearer sandbox-token"}
    assert requests.get(f"{serving}/healthz", timeout=10).json() == {"status": "ok"}
    envs = requests.get(f"{serving}/api/environments", headers=auth, timeout=10).json()
    assert [e["name"] for e in envs["environments"]] == ["dev", "prod", "staging"]
    plan = requests.get(f"{serving}/api/environments/dev/plan", headers=auth, timeout=30).json()
    assert plan["summary"]["create"] == len(envs["environments"][0]["models"])
    assert "<title>reconcile configurator</title>" in requests.get(serving, timeout=10).text


def test_serve_refuses_bad_starts_with_exit_1(shipped_repo: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    exposed = runner.invoke(cli, ["serve", "--root", str(shipped_repo), "--host", "0.0.0.0"])
    assert exposed.exit_code == 1 and "--behind-proxy" in exposed.output
    bare = runner.invoke(cli, ["serve", "--root", str(shipped_repo)])
    assert bare.exit_code == 1 and "--tokens" in bare.output
    empty = runner.invoke(cli, ["serve", "--root", str(tmp_path), "--sandbox"])
    assert empty.exit_code == 1 and "environments/" in empty.output
    nowhere = runner.invoke(
        cli, ["serve", "--root", str(shipped_repo), "--sandbox", "--push", "--remote", "upstream"]
    )
    assert nowhere.exit_code == 1, nowhere.output
    assert "git remote named 'upstream'" in nowhere.output
    assert "git remote add upstream URL" in nowhere.output


def test_a_second_sandbox_serve_on_one_checkout_is_refused_before_its_url(
    serving: str, shipped_repo: Path
) -> None:
    second = subprocess.run(
        [sys.executable, "-m", "reconciler", "serve", "--sandbox", "--port", "0"],
        cwd=shipped_repo,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert second.returncode == 1, second.stderr
    assert second.stdout == ""  # no URL announced for a service that does not serve
    assert "another reconcile serve --sandbox (pid " in second.stderr
    assert "serve a clone of its own" in second.stderr
    assert requests.get(f"{serving}/healthz", timeout=10).json() == {"status": "ok"}
