"""Opening the pull request of a branch ``reconcile serve`` committed a manifest on."""

from __future__ import annotations

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
