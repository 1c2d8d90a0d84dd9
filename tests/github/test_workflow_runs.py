"""Each workflow's shell steps, run with bash against the sandbox and a fake GitHub.

The config repository is a temporary git repo holding a copy of the shipped ``environments/``
with a bare ``origin`` that every job clones afresh, as on GitHub. ``RECONCILE_FLAGS=--sandbox``
(the workflows' hook) points every Gateway call at the embedded emulator, each environment
with its own persistent state (its "org"), and ``GITHUB_*`` point at the fake GitHub. Secrets
are random per test, so a leak is detectable.
"""

from __future__ import annotations

import json
import os
import secrets as random_secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures_github import FAKE_TOKEN
from tests.github.actions_runner import Runner, WorkflowRun, load
from tests.github.fake_github import FakeGitHub

MAIN = Path(__file__).resolve().parents[2]
WORKFLOWS = MAIN / ".github" / "workflows"
PR = 7
STUB = "not built yet"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


def _secrets() -> dict[str, str]:
    """Values the sandbox accepts (it checks provider key formats), different in every test."""
    out = {"GITHUB_TOKEN": FAKE_TOKEN}
    for upper in ("DEV", "STAGING", "PROD"):
        tag = random_secrets.token_hex(8)
        out |= {
            f"GENESYS_{upper}_CLIENT_ID": f"client-{tag}",
            f"GENESYS_{upper}_CLIENT_SECRET": f"secret-{random_secrets.token_hex(12)}",
            f"{upper}_OPENAI_API_KEY": f"sk-test{random_secrets.token_hex(16)}",
            f"{upper}_ANTHROPIC_API_KEY": f"sk-ant-test{random_secrets.token_hex(16)}",
            f"{upper}_AZURE_OPENAI_API_KEY": random_secrets.token_hex(16),
            f"{upper}_BEDROCK_API_KEY": f"ABSK{random_secrets.token_hex(16)}",
        }
    return out


@pytest.fixture
def config_repo(tmp_path: Path) -> Path:
    repo, remote = tmp_path / "repo", tmp_path / "origin.git"
    shutil.copytree(MAIN / "environments", repo / "environments")
    shutil.copy(MAIN / ".gitignore", repo / ".gitignore")
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    _git(repo.parent, "init", "-q", "-b", "main", str(repo))
    _git(repo, "config", "user.name", "Test"), _git(repo, "config", "user.email", "t@example.com")
    _git(repo, "add", "."), _git(repo, "commit", "-q", "-m", "base")
    _git(repo, "remote", "add", "origin", str(remote)), _git(repo, "push", "-q", "origin", "main")
    return repo


@pytest.fixture
def runner(
    config_repo: Path, tmp_path: Path, fake_github: FakeGitHub, github_env: dict[str, str]
) -> Runner:
    shims, temp, home = tmp_path / "shims", tmp_path / "runner-temp", tmp_path / "home"
    for folder in (shims, temp, home):
        folder.mkdir()
    pip = shims / "pip"  # the project is already installed; record what the workflow asks
    pip.write_text(f'#!/bin/sh\necho "$@" >> {tmp_path}/pip.log\n')
    pip.chmod(0o755)
    path = os.pathsep.join([str(shims), str(Path(sys.executable).parent), os.environ["PATH"]])
    base = {
        "PATH": path,
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "RUNNER_TEMP": str(temp),
        "LANG": "C.UTF-8",
        # The embedded sandbox provisions at once: the workflows are under test, not delays.
        "RECONCILE_SANDBOX_PROVISION_SECONDS": "0:0.05",
    }
    contexts: dict[str, Any] = {
        "secrets": _secrets(),
        "github": {
            "repository": fake_github.repo,
            "ref": "refs/heads/main",
            "event": {
                "pull_request": {
                    "number": PR,
                    "base": {"sha": ""},
                    "head": {"repo": {"full_name": fake_github.repo}},
                }
            },
        },
    }
    return Runner(
        origin=tmp_path / "origin.git",
        temp=temp,
        base_env=base | github_env,
        contexts=contexts,
        orgs=tmp_path / "orgs",
        org_of=_org_of,
    )


def _org_of(job_id: str, matrix: dict[str, Any]) -> str:
    """Which environment's live org a job talks to (none for validate and affected)."""
    env = matrix.get("env", job_id)
    return str(env["name"] if isinstance(env, dict) else env)


def _run(runner: Runner, name: str) -> WorkflowRun:
    workflow = load(WORKFLOWS / name)
    workflow["env"] = {**workflow.get("env", {}), "RECONCILE_FLAGS": "--sandbox"}
    result = runner.run(workflow)
    if STUB in result.output:
        pytest.skip(f"a reconcile command the {name} steps call is {STUB!r}: {_first_stub(result)}")
    return result


def _first_stub(result: WorkflowRun) -> str:
    return next(line for line in result.output.splitlines() if STUB in line)


def _describe(result: WorkflowRun) -> str:
    return "\n".join(
        f"--- {s.job}: {s.name} (exit {s.returncode})\n{s.stdout}{s.stderr}" for s in result.steps
    )


def _assert_no_secret_leaks(runner: Runner, *texts: str) -> None:
    for name, value in runner.contexts["secrets"].items():
        for text in texts:
            assert value not in text, f"secret {name} leaked"


def _open_pr(config_repo: Path, runner: Runner, *, edits: dict[str, tuple[str, str]]) -> None:
    runner.contexts["github"]["event"]["pull_request"]["base"]["sha"] = _git(
        config_repo, "rev-parse", "HEAD"
    )
    for rel, (old, new) in edits.items():
        path = config_repo / rel
        text = path.read_text()
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1))
    _git(config_repo, "commit", "-q", "-am", "a pull request")
    _git(config_repo, "push", "-q", "origin", "HEAD:refs/heads/pr")
    runner.ref = "pr"


def test_plan_posts_one_comment_per_affected_environment_and_updates_it(
    runner: Runner, config_repo: Path, fake_github: FakeGitHub, github_env: dict[str, str]
) -> None:
    _open_pr(
        config_repo,
        runner,
        edits={
            "environments/prod/models/support-classifier.yaml": (
                "temperature: 0.1",
                "temperature: 0",
            ),
            "environments/dev/models/support-classifier.yaml": (
                "temperature: 0.2",
                "temperature: 0.3",
            ),
        },
    )
    first = _run(runner, "plan.yml")
    assert first.failed_jobs == [], _describe(first)
    assert json.loads(first.outputs["affected"]["envs"]) == [
        {"name": "dev", "upper": "DEV"},
        {"name": "prod", "upper": "PROD"},
    ]
    assert "install ." in (config_repo.parent / "pip.log").read_text().splitlines()
    second = _run(runner, "plan.yml")
    assert second.failed_jobs == [], _describe(second)

    bodies = [c["body"] for c in fake_github.comments_on(PR)]
    assert [b.splitlines()[0] for b in bodies] == [
        "<!-- reconcile:plan:dev -->",
        "<!-- reconcile:plan:prod -->",
    ]
    assert all("`support-classifier`" in b for b in bodies)
    summary = Path(github_env["GITHUB_STEP_SUMMARY"]).read_text()
    assert summary.count("`dev`") >= 2 and "`staging`" not in summary
    _assert_no_secret_leaks(runner, first.output, second.output, summary, *bodies)


def test_plan_blocked_by_policy_fails_the_job_but_still_comments(
    runner: Runner, config_repo: Path, fake_github: FakeGitHub
) -> None:
    _open_pr(
        config_repo,
        runner,
        edits={"environments/prod/environment.yaml": ("monthlyUsd: 3000", "monthlyUsd: 1")},
    )
    result = _run(runner, "plan.yml")
    assert result.failed_jobs == ["plan"], _describe(result)
    assert "failed with exit 4" in result.output
    [comment] = fake_github.comments_on(PR)
    assert comment["body"].startswith("<!-- reconcile:plan:prod -->")
    assert "budget" in comment["body"].lower()


def test_drift_opens_issues_apply_pushes_state_and_drift_then_closes_them(
    runner: Runner, config_repo: Path, fake_github: FakeGitHub
) -> None:
    before = _run(runner, "drift.yml")  # nothing applied yet: every endpoint is missing
    assert before.failed_jobs == [], _describe(before)
    opened = [i for i in fake_github.issues.values() if i["state"] == "open"]
    assert sorted(i["body"].splitlines()[0] for i in opened) == [
        "<!-- reconcile:drift:dev -->",
        "<!-- reconcile:drift:prod -->",
        "<!-- reconcile:drift:staging -->",
    ]

    applied = _run(runner, "apply.yml")
    assert applied.failed_jobs == [], _describe(applied)
    remote = config_repo.parent / "origin.git"
    log = _git(remote, "log", "--format=%s", "main")
    assert log.count("[skip ci]") >= 3, log
    files = _git(remote, "ls-tree", "-r", "--name-only", "main")
    for env in ("dev", "staging", "prod"):
        assert f"state/{env}/snapshot.json" in files and f"state/{env}/audit.jsonl" in files
    committed = "\n".join(
        _git(remote, "show", f"main:{f}") for f in files.splitlines() if f.startswith("state/")
    )

    after = _run(runner, "drift.yml")
    assert after.failed_jobs == [], _describe(after)
    assert all(i["state"] == "closed" for i in fake_github.issues.values())
    _assert_no_secret_leaks(
        runner, before.output, applied.output, after.output, committed, *(i["body"] for i in opened)
    )
