"""The plan comment: exactly one per environment, found by its marker, updated in place."""

from __future__ import annotations

from reconciler.github import GitHubClient, comment_marker, upsert_plan_comment
from tests.github.fake_github import FakeGitHub

PR = 7


def test_first_run_creates_the_comment_with_its_marker(
    github_client: GitHubClient, fake_github: FakeGitHub
) -> None:
    result = upsert_plan_comment(github_client, pr=PR, env="dev", report="### plan: `dev`\n")
    assert result.action == "created"
    [comment] = fake_github.comments_on(PR)
    assert comment["body"].startswith("<!-- reconcile:plan:dev -->\n### plan: `dev`")


def test_second_run_updates_in_place_past_the_first_page_and_leaves_others_alone(
    github_client: GitHubClient, fake_github: FakeGitHub
) -> None:
    for i in range(5):  # page size 2: our comment lands on the fourth page
        fake_github.add_comment(PR, f"LGTM {i}")
    fake_github.add_comment(PR, f"> {comment_marker('dev')} quoted by a human")
    first = upsert_plan_comment(github_client, pr=PR, env="dev", report="one change")
    staging = upsert_plan_comment(github_client, pr=PR, env="staging", report="in sync")
    second = upsert_plan_comment(github_client, pr=PR, env="dev", report="two changes")
    assert (first.action, second.action) == ("created", "updated")
    assert first.comment_id == second.comment_id != staging.comment_id
    bodies = [c["body"] for c in fake_github.comments_on(PR)]
    assert len(bodies) == 8
    assert [b for b in bodies if b.startswith(comment_marker("dev"))] == [
        "<!-- reconcile:plan:dev -->\ntwo changes\n"
    ]
    assert "LGTM 4" in bodies and any(b.startswith("> <!--") for b in bodies)
    assert any("page=" in path for _, path in fake_github.requests)


def test_same_report_again_makes_no_write(
    github_client: GitHubClient, fake_github: FakeGitHub
) -> None:
    upsert_plan_comment(github_client, pr=PR, env="dev", report="x")
    writes_before = [r for r in fake_github.requests if r[0] != "GET"]
    again = upsert_plan_comment(github_client, pr=PR, env="dev", report="x")
    assert again.action == "unchanged"
    assert [r for r in fake_github.requests if r[0] != "GET"] == writes_before


def test_duplicates_from_a_race_are_removed(
    github_client: GitHubClient, fake_github: FakeGitHub
) -> None:
    for text in ("old a", "old b"):
        fake_github.add_comment(PR, f"{comment_marker('prod')}\n{text}\n")
    upsert_plan_comment(github_client, pr=PR, env="prod", report="new")
    ours = [c for c in fake_github.comments_on(PR) if c["body"].startswith(comment_marker("prod"))]
    assert [c["body"] for c in ours] == ["<!-- reconcile:plan:prod -->\nnew\n"]


def test_an_oversized_report_is_truncated_below_the_limit_with_a_note(
    github_client: GitHubClient, fake_github: FakeGitHub
) -> None:
    rows = "\n".join(f"- `model-{i}`: temperature 0.1 -> 0.2" for i in range(4000))
    report = f"**3 to update**\n\n<details><summary>Field changes</summary>\n\n```diff\n{rows}\n"
    upsert_plan_comment(github_client, pr=PR, env="dev", report=report)
    [comment] = fake_github.comments_on(PR)
    body = comment["body"]
    assert len(body) <= 65_536
    assert body.startswith("<!-- reconcile:plan:dev -->\n**3 to update**")
    assert "truncated to fit GitHub's 65,536-character limit" in body
    assert body.count("<details>") == body.count("</details>") == 1
    assert body.count("```") == 2
