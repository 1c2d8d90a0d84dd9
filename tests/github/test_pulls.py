"""The pull request that keeps state a refused push could not land: opened once per branch."""

from __future__ import annotations

from reconciler.github import GitHubClient, open_state_pull_request
from tests.github.fake_github import FakeGitHub


def test_state_pull_request_is_opened_once_and_found_again(
    github_client: GitHubClient, fake_github: FakeGitHub
) -> None:
    args = {"env": "prod", "branch": "reconcile/state-prod-9", "base": "main"}
    first = open_state_pull_request(github_client, **args, report="### applied 1 model")
    again = open_state_pull_request(github_client, **args, report="### applied 1 model")
    assert (first.action, again.action) == ("created", "exists")
    assert first.url == again.url
    [pull] = fake_github.pulls.values()
    assert pull["head"] == {"ref": "reconcile/state-prod-9"} and pull["base"] == {"ref": "main"}
    assert "pushing its state to `main` was refused" in pull["body"]
    assert "### applied 1 model" in pull["body"]
