"""Exactly one plan comment per environment on a pull request, updated in place.

A new comment on every push buries the conversation and notifies every reviewer, so the
comment is found again by its hidden marker (first line of the body) and edited. Comments
without our marker, however they quote it, are never touched. Extra copies left by a race
between two runs are deleted, so there is exactly one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reconciler.github.body import COMMENT_CAP, comment_marker, fit_body
from reconciler.github.client import GitHubClient


@dataclass(frozen=True)
class CommentResult:
    """What happened: ``created``, ``updated`` or ``unchanged``, and the comment's URL."""

    action: str
    comment_id: int
    url: str


def upsert_plan_comment(client: GitHubClient, *, pr: int, env: str, report: str) -> CommentResult:
    """Create or update the plan comment of ``env`` on pull request ``pr``."""
    marker = comment_marker(env)
    body = fit_body(f"{marker}\n{report.strip()}\n", cap=COMMENT_CAP)
    ours = [c for c in _comments(client, pr) if str(c.get("body") or "").startswith(marker)]
    if not ours:
        made = client.call(
            "POST",
            f"/issues/{pr}/comments",
            body={"body": body},
            what=f"a new plan comment on pull request #{pr}",
        )
        return CommentResult("created", int(made["id"]), str(made.get("html_url", "")))
    keep, extra = ours[0], ours[1:]
    for comment in extra:
        client.call(
            "DELETE",
            f"/issues/comments/{comment['id']}",
            what=f"deleting a duplicate plan comment on pull request #{pr}",
        )
    if keep.get("body") == body:
        return CommentResult("unchanged", int(keep["id"]), str(keep.get("html_url", "")))
    made = client.call(
        "PATCH",
        f"/issues/comments/{keep['id']}",
        body={"body": body},
        what=f"an update of the plan comment on pull request #{pr}",
    )
    return CommentResult("updated", int(made["id"]), str(made.get("html_url", "")))


def _comments(client: GitHubClient, pr: int) -> list[dict[str, Any]]:
    return list(client.paged(f"/issues/{pr}/comments", what=f"the comments of pull request #{pr}"))
