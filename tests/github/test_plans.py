"""`reconcile github fetch-plan`: the saved plan reviewed for the commit being applied."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fixtures_github import FAKE_TOKEN
from tests.github.fake_github import FakeGitHub

RECONCILE = str(Path(sys.executable).parent / "reconcile")
MERGED, HEAD = "a" * 40, "b" * 40


def _fetch(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    out = str(tmp_path / "reviewed.json")
    return subprocess.run(
        [RECONCILE, "github", "fetch-plan", "--env", "dev", "--commit", MERGED, "--out", out],
        env={"PATH": os.environ["PATH"], **env},
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_plan_of_the_merged_pull_requests_head_is_fetched(
    tmp_path: Path, fake_github: FakeGitHub, github_env: dict[str, str]
) -> None:
    fake_github.commit_pulls[MERGED] = [{"number": 7, "head": {"sha": HEAD}}]
    fake_github.add_artifact(f"reconcile-plan-dev-{HEAD}", {"old.json": b'{"n": 1}'})
    fake_github.add_artifact(f"reconcile-plan-dev-{HEAD}", {"plan.json": b'{"n": 2}'})
    fake_github.add_artifact(f"reconcile-plan-prod-{HEAD}", {"plan.json": b'{"n": 3}'})
    done = _fetch(tmp_path, github_env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"plan={tmp_path / 'reviewed.json'}", "pr=7"]
    assert (tmp_path / "reviewed.json").read_bytes() == b'{"n": 2}'  # the newest of dev's
    assert FAKE_TOKEN not in done.stdout + done.stderr


def test_a_merge_queue_plan_of_the_commit_itself_comes_first_and_expired_ones_never(
    tmp_path: Path, fake_github: FakeGitHub, github_env: dict[str, str]
) -> None:
    fake_github.commit_pulls[MERGED] = [{"number": 7, "head": {"sha": HEAD}}]
    fake_github.add_artifact(f"reconcile-plan-dev-{HEAD}", {"plan.json": b"head"})
    queued = fake_github.add_artifact(f"reconcile-plan-dev-{MERGED}", {"plan.json": b"queue"})
    assert _fetch(tmp_path, github_env).returncode == 0
    assert (tmp_path / "reviewed.json").read_bytes() == b"queue"
    queued["expired"] = True
    assert _fetch(tmp_path, github_env).returncode == 0
    assert (tmp_path / "reviewed.json").read_bytes() == b"head"


def test_no_saved_plan_is_an_answer_not_a_failure(
    tmp_path: Path, fake_github: FakeGitHub, github_env: dict[str, str]
) -> None:
    done = _fetch(tmp_path, github_env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["plan=", "pr="]
    assert "no saved plan of 'dev'" in done.stderr
    assert not (tmp_path / "reviewed.json").exists()
