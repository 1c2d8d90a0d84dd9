"""Options only where they mean something, and colour only where it is wanted."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.cli.options import CommonOptions
from reconciler.gateway.ratelimit import TokenBucket
from reconciler.structs.errors import ExitCode
from tests.fixtures_engine import ENV, Run
from tests.report.harness import reconcile


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reconciler", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )


def test_cost_push_is_a_usage_error(tmp_path: Path) -> None:
    done = cli("cost", "--env", "dev", "--push", cwd=tmp_path)
    assert done.returncode == ExitCode.INVALID
    assert "No such option '--push'" in done.stderr


def test_an_option_given_before_a_subcommand_that_does_not_use_it_is_refused(
    tmp_path: Path,
) -> None:
    done = cli("--push", "cost", "--env", "dev", cwd=tmp_path)
    assert done.returncode == ExitCode.INVALID
    assert "--push does nothing for 'cost'" in done.stderr


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("color", "environ", "coloured"),
    [
        ("auto", {}, True),
        ("auto", {"NO_COLOR": "1"}, False),
        ("auto", {"TERM": "dumb"}, False),
        ("never", {}, False),
        ("always", {"NO_COLOR": "1"}, True),
    ],
)
def test_colour_follows_color_then_no_color_and_term_dumb(
    color: str, environ: dict[str, str], coloured: bool
) -> None:
    options = CommonOptions(root=Path("."), color=color)
    assert options.colour(Tty(), environ) is coloured


def test_color_always_colours_the_plan_and_never_does_not(run: Run) -> None:
    run.repo.write_model("support-classifier")
    always = reconcile(run.repo, "--env", ENV, "--dry-run", "--color", "always")
    never = reconcile(run.repo, "--env", ENV, "--dry-run", "--color", "never")
    assert "\x1b[32m" in always.out and "\x1b[" not in never.out


def test_verbose_logs_token_fetches_to_stderr_never_a_secret(run: Run) -> None:
    run.repo.write_environment(policy={"maxParallel": 4, "requestsPerMinute": 120})
    run.repo.write_model("support-classifier")
    quiet = reconcile(run.repo, "--env", ENV, "--dry-run")
    loud = reconcile(run.repo, "--env", ENV, "--dry-run", "-v")
    assert "reconciler.gateway" not in quiet.err
    assert "reconciler.gateway: token: fetching" in loud.err
    assert "sk-canary" not in loud.err and "sandbox-secret" not in loud.err


def test_a_rate_limit_wait_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    slept: list[float] = []
    bucket = TokenBucket(60, monotonic=lambda: 0.0, sleep=slept.append)
    with caplog.at_level(logging.DEBUG, logger="reconciler.gateway"):
        bucket.acquire()
        bucket.acquire()
    assert slept == [1.0]
    assert "rate limit: waiting 1.00s for a request slot" in caplog.text
