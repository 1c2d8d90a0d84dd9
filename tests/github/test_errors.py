"""Failures: clear messages that name the fix, transient errors retried, the token never shown."""

from __future__ import annotations

import pytest

from reconciler.github import GitHubClient, upsert_plan_comment
from reconciler.github.errors import (
    GitHubAuthError,
    GitHubNotFound,
    GitHubUnavailable,
)
from reconciler.structs.errors import ExitCode
from tests.fixtures_github import FAKE_TOKEN
from tests.github.fake_github import FakeGitHub


def test_read_only_token_gets_a_permissions_hint(
    github_client: GitHubClient, fake_github: FakeGitHub
) -> None:
    fake_github.read_only = True
    with pytest.raises(GitHubAuthError) as caught:
        upsert_plan_comment(github_client, pr=1, env="dev", report="x")
    rendered = caught.value.render()
    assert "HTTP 403" in rendered and "Resource not accessible" in rendered
    assert "pull-requests: write" in rendered and "issues: write" in rendered
    assert caught.value.exit_code == ExitCode.UNREACHABLE


def test_wrong_token_is_401_and_never_echoed(fake_github: FakeGitHub) -> None:
    wrong = "ghs_WRONGtoken_never_to_be_seen_0000"
    client = GitHubClient(repo=fake_github.repo, token=wrong, api_url=fake_github.url)
    with pytest.raises(GitHubAuthError) as caught:
        upsert_plan_comment(client, pr=1, env="dev", report="x")
    assert "HTTP 401" in caught.value.render()
    for text in (caught.value.render(), repr(caught.value), repr(client), str(vars(caught.value))):
        assert wrong not in text


def test_unknown_repository_is_not_found(fake_github: FakeGitHub) -> None:
    client = GitHubClient(repo="acme/other", token=FAKE_TOKEN, api_url=fake_github.url)
    with pytest.raises(GitHubNotFound) as caught:
        upsert_plan_comment(client, pr=1, env="dev", report="x")
    assert "HTTP 404" in caught.value.render() and "GITHUB_REPOSITORY" in caught.value.render()


def test_transient_errors_are_retried_then_reported(
    github_client: GitHubClient, fake_github: FakeGitHub
) -> None:
    fake_github.fail_next = [502, 503]
    assert upsert_plan_comment(github_client, pr=1, env="dev", report="x").action == "created"
    fake_github.fail_next = [502, 503, 504]
    with pytest.raises(GitHubUnavailable, match="HTTP 504"):
        upsert_plan_comment(github_client, pr=1, env="dev", report="y")


def test_unreachable_github_names_the_url_not_the_token() -> None:
    client = GitHubClient(
        repo="a/b", token=FAKE_TOKEN, api_url="http://127.0.0.1:9", sleep=lambda _: None
    )
    with pytest.raises(GitHubUnavailable) as caught:
        upsert_plan_comment(client, pr=1, env="dev", report="x")
    assert "http://127.0.0.1:9" in caught.value.render()
    assert FAKE_TOKEN not in caught.value.render()


def test_client_repr_hides_the_token() -> None:
    client = GitHubClient(repo="a/b", token=FAKE_TOKEN)
    assert FAKE_TOKEN not in repr(client) and "a/b" in repr(client)


def test_from_env_names_the_missing_variable() -> None:
    with pytest.raises(Exception, match="GITHUB_TOKEN is not set"):
        GitHubClient.from_env({"GITHUB_REPOSITORY": "a/b"})
    with pytest.raises(Exception, match="owner/name"):
        GitHubClient.from_env({"GITHUB_TOKEN": FAKE_TOKEN, "GITHUB_REPOSITORY": "nope"})
