"""Fixtures for the GitHub integration: a fake GitHub on loopback and a client bound to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reconciler.github import GitHubClient
from tests.github.fake_github import FakeGitHub, FakeGitHubServer

# Shaped like a real token so a leak would be recognisable; it is worthless outside the fake.
FAKE_TOKEN = "ghs_FAKEtoken0123456789abcdefABCDEF0123"


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    with FakeGitHubServer(FakeGitHub(token=FAKE_TOKEN)) as fake:
        yield fake


@pytest.fixture
def github_client(fake_github: FakeGitHub) -> GitHubClient:
    return GitHubClient(
        repo=fake_github.repo, token=FAKE_TOKEN, api_url=fake_github.url, sleep=lambda _: None
    )


@pytest.fixture
def github_env(fake_github: FakeGitHub, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The variables Actions sets for a step, pointed at the fake."""
    summary = tmp_path_factory.mktemp("gh") / "step_summary.md"
    summary.touch()
    return {
        "GITHUB_API_URL": fake_github.url,
        "GITHUB_TOKEN": FAKE_TOKEN,
        "GITHUB_REPOSITORY": fake_github.repo,
        "GITHUB_STEP_SUMMARY": str(summary),
    }
