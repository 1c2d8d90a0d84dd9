"""The drift issue: one per environment, opened, kept current, closed when drift is gone."""

from __future__ import annotations

from reconciler.github import GitHubClient, drift_marker, sync_drift_issue
from tests.github.fake_github import FakeGitHub


def test_open_update_close_cycle(github_client: GitHubClient, fake_github: FakeGitHub) -> None:
    fake_github.add_issue(
        title="PR with marker", body=drift_marker("dev"), labels=["drift"], pull_request=True
    )
    for i in range(3):
        fake_github.add_issue(title=f"other {i}", body="unrelated", labels=["drift"])
    opened = sync_drift_issue(github_client, env="dev", report="1 drifted", drifted=True)
    other_env = sync_drift_issue(github_client, env="prod", report="p drifted", drifted=True)
    updated = sync_drift_issue(github_client, env="dev", report="2 drifted", drifted=True)
    assert (opened.action, updated.action) == ("created", "updated")
    assert opened.number == updated.number != other_env.number
    issue = fake_github.issues[opened.number or 0]
    assert issue["body"] == "<!-- reconcile:drift:dev -->\n2 drifted\n"
    assert [x["name"] for x in issue["labels"]] == ["drift"]
    assert "'dev'" in issue["title"]

    closed = sync_drift_issue(github_client, env="dev", report="", drifted=False)
    assert closed.action == "closed" and closed.number == opened.number
    assert issue["state"] == "closed" and issue["state_reason"] == "completed"
    assert "No drift" in fake_github.comments_on(issue["number"])[0]["body"]
    assert fake_github.issues[other_env.number or 0]["state"] == "open"


def test_no_drift_and_no_issue_does_nothing(
    github_client: GitHubClient, fake_github: FakeGitHub
) -> None:
    result = sync_drift_issue(github_client, env="staging", report="", drifted=False)
    assert result.action == "none"
    assert all(method == "GET" for method, _ in fake_github.requests)


def test_drift_after_close_opens_a_new_issue(
    github_client: GitHubClient, fake_github: FakeGitHub
) -> None:
    first = sync_drift_issue(github_client, env="dev", report="a", drifted=True)
    sync_drift_issue(github_client, env="dev", report="", drifted=False)
    again = sync_drift_issue(github_client, env="dev", report="b", drifted=True)
    assert again.action == "created" and again.number != first.number
