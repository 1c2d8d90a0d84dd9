"""Pull requests: the branch ``reconcile serve`` committed a manifest on, and state that an
apply could not push to main.

Apply changes live endpoints before it pushes their record; if branch protection refuses the
push, the state commit must not vanish with the runner. The workflow pushes it to a branch of
its own and ``open_state_pull_request`` opens (or, on a re-run, finds) the pull request that
brings it to main, so a person merges the record instead of it being lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.github.body import COMMENT_CAP, fit_body
from reconciler.github.client import GitHubClient


def open_pull_request(client: GitHubClient, *, head: str, base: str, title: str, body: str) -> str:
    """Create the pull request ``head`` -> ``base``; its web URL."""
    made = client.call(
        "POST",
        "/pulls",
        body={"title": title, "head": head, "base": base, "body": fit_body(body, cap=COMMENT_CAP)},
        what=f"a pull request for branch {head}",
    )
    return str(made.get("html_url") or made.get("url") or "")


@dataclass(frozen=True)
class PullResult:
    """``created`` or ``exists``, with the pull request's address."""

    action: str
    url: str


def open_state_pull_request(
    client: GitHubClient, *, env: str, branch: str, base: str, report: str
) -> PullResult:
    """Open the pull request from ``branch`` into ``base`` unless one is already open."""
    owner = client.repo.split("/", 1)[0]
    for pull in client.paged(
        "/pulls",
        params={"state": "open", "head": f"{owner}:{branch}", "base": base},
        what=f"open pull requests from {branch}",
    ):
        return PullResult("exists", str(pull.get("html_url", "")))
    body = (
        f"The apply of `{env}` changed live endpoints, but pushing its state to `{base}` was "
        f"refused (branch protection?). Merge this to keep the snapshot and the audit log of "
        f"that apply.\n\n{report.strip()}\n"
    )
    title = f"reconcile({env}): state of an apply"
    url = open_pull_request(client, head=branch, base=base, title=title, body=body)
    return PullResult("created", url)
