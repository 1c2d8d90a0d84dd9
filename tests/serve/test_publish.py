"""With --push: the branch reaches the remote and a pull request carries the plan."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.fixtures_engine import ConfigRepo
from tests.fixtures_github import FAKE_TOKEN
from tests.fixtures_gitops import bare_remote, git
from tests.fixtures_serve import Api, start_service
from tests.github.fake_github import FakeGitHub
from tests.serve.test_configure import flat


def _proposed(api: Api) -> dict[str, Any]:
    """Propose the flat ticket-triage model; the service's 201 answer, pushed."""
    answer = api(
        "POST",
        "/api/configure-model",
        role="editor",
        json={"env": "staging", "model": flat("ticket-triage")},
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    assert body["pushed"] is True
    return body


def with_remote(repo: ConfigRepo, tmp_path: Path) -> Path:
    return bare_remote(repo.root, tmp_path)


def test_push_opens_a_pull_request_with_the_plan(
    served_repo: ConfigRepo,
    sandbox_clock: Any,
    tmp_path: Path,
    fake_github: FakeGitHub,
    github_env: dict[str, str],
) -> None:
    bare = with_remote(served_repo, tmp_path)
    served_repo.environ.update(github_env)
    with start_service(served_repo, sandbox_clock, tmp_path, push=True) as running:
        api = Api(running.url, running.service)
        body = _proposed(api)
    assert git(bare, "rev-parse", body["branch"]).strip() == body["commit"]
    [pull] = fake_github.pulls.values()
    assert body["pullRequest"] == pull["html_url"]
    assert pull["head"]["ref"] == body["branch"] and pull["base"]["ref"] == "main"
    assert "ticket-triage" in pull["title"]
    assert "reconcile plan" in pull["body"] and "ticket-triage" in pull["body"]
    assert FAKE_TOKEN not in json.dumps(body)


def test_a_failed_push_is_reported_and_opens_nothing(
    served_repo: ConfigRepo,
    sandbox_clock: Any,
    tmp_path: Path,
    fake_github: FakeGitHub,
    github_env: dict[str, str],
) -> None:
    git(served_repo.root, "remote", "add", "origin", str(tmp_path / "missing.git"))
    served_repo.environ.update(github_env)
    with start_service(served_repo, sandbox_clock, tmp_path, push=True) as running:
        api = Api(running.url, running.service)
        answer = api(
            "POST",
            "/api/configure-model",
            role="editor",
            json={"env": "staging", "model": flat("ticket-triage")},
        )
    assert answer.status_code == 201
    body = answer.json()
    assert body["pushed"] is False and body["pushError"] and body["pullRequest"] is None
    assert fake_github.pulls == {}
    assert body["branch"] in git(served_repo.root, "branch", "--format=%(refname:short)")


def test_push_with_remote_sends_the_branch_there_and_not_to_origin(
    served_repo: ConfigRepo, sandbox_clock: Any, tmp_path: Path
) -> None:
    """A fork's checkout: ``origin`` is the fork, ``upstream`` the shared repository that
    pull requests are opened against; ``--remote upstream`` pushes the branch there."""
    shared = with_remote(served_repo, tmp_path)
    git(served_repo.root, "remote", "rename", "origin", "upstream")
    fork = tmp_path / "fork.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(shared), str(fork)], check=True)
    git(served_repo.root, "remote", "add", "origin", str(fork))
    with start_service(
        served_repo, sandbox_clock, tmp_path, push=True, remote="upstream"
    ) as running:
        api = Api(running.url, running.service)
        body = _proposed(api)
    assert git(shared, "rev-parse", body["branch"]).strip() == body["commit"]
    assert git(fork, "branch", "--list", body["branch"]).strip() == ""
