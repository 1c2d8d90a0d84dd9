"""`reconcile github ...` the way a workflow step runs it: a process, env vars, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fixtures_github import FAKE_TOKEN
from tests.github.fake_github import FakeGitHub

RECONCILE = str(Path(sys.executable).parent / "reconcile")


def _reconcile(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [RECONCILE, "github", *args],
        env={"PATH": os.environ["PATH"], **env},
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_comment_then_summary(
    tmp_path: Path, fake_github: FakeGitHub, github_env: dict[str, str]
) -> None:
    report = tmp_path / "plan.md"
    report.write_text("### reconcile plan: `dev`\n\n**1 to create**\n")
    done = _reconcile("comment", "--pr", "3", "--env", "dev", "--file", str(report), env=github_env)
    assert done.returncode == 0, done.stderr
    assert "plan comment for 'dev' created" in done.stdout
    assert fake_github.comments_on(3)[0]["body"].endswith("**1 to create**\n")
    assert _reconcile("summary", "--file", str(report), env=github_env).returncode == 0
    assert "**1 to create**" in Path(github_env["GITHUB_STEP_SUMMARY"]).read_text()
    assert FAKE_TOKEN not in done.stdout + done.stderr


def test_read_only_token_exits_5_with_the_permission_to_add(
    tmp_path: Path, fake_github: FakeGitHub, github_env: dict[str, str]
) -> None:
    fake_github.read_only = True
    report = tmp_path / "drift.md"
    report.write_text("drift\n")
    done = _reconcile(
        "drift-issue",
        "--env",
        "prod",
        "--file",
        str(report),
        "--status",
        "found",
        "-v",
        env=github_env,
    )
    assert done.returncode == 5
    assert "HTTP 403" in done.stderr and "issues: write" in done.stderr
    assert FAKE_TOKEN not in done.stdout + done.stderr


def test_missing_report_and_missing_summary_file_are_clear_errors(
    tmp_path: Path, github_env: dict[str, str]
) -> None:
    missing = _reconcile(
        "comment", "--pr", "1", "--env", "dev", "--file", str(tmp_path / "nope.md"), env=github_env
    )
    assert missing.returncode == 1 and "cannot read the report" in missing.stderr
    (tmp_path / "r.md").write_text("x")
    env = {k: v for k, v in github_env.items() if k != "GITHUB_STEP_SUMMARY"}
    nosummary = _reconcile("summary", "--file", str(tmp_path / "r.md"), env=env)
    assert nosummary.returncode == 1 and "GITHUB_STEP_SUMMARY is not set" in nosummary.stderr
