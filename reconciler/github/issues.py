"""One drift issue per environment: opened when drift appears, kept current, closed when gone.

A nightly job that opens a fresh issue every night trains people to ignore it, so the open
issue is found again by its hidden marker (and the label, which also lets teams filter and
route it), its body replaced with the latest report, and it is closed with a short comment
once a run finds no drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reconciler.github.body import COMMENT_CAP, drift_marker, fit_body
from reconciler.github.client import GitHubClient

DRIFT_LABEL = "drift"


@dataclass(frozen=True)
class IssueResult:
    """``created``, ``updated``, ``closed`` or ``none`` (no drift and no open issue)."""

    action: str
    number: int | None = None
    url: str = ""


def sync_drift_issue(
    client: GitHubClient, *, env: str, report: str, drifted: bool, label: str = DRIFT_LABEL
) -> IssueResult:
    """Bring the drift issue of ``env`` in line with the latest drift report."""
    marker = drift_marker(env)
    found = _open_issue(client, marker=marker, label=label)
    if not drifted:
        return _close(client, found, env=env) if found else IssueResult("none")
    body = fit_body(f"{marker}\n{report.strip()}\n", cap=COMMENT_CAP)
    title = f"Drift detected in environment '{env}'"
    if found is None:
        made = client.call(
            "POST",
            "/issues",
            body={"title": title, "body": body, "labels": [label]},
            what=f"a new drift issue for '{env}'",
        )
        return IssueResult("created", int(made["number"]), str(made.get("html_url", "")))
    made = client.call(
        "PATCH",
        f"/issues/{found['number']}",
        body={"title": title, "body": body},
        what=f"an update of drift issue #{found['number']}",
    )
    return IssueResult("updated", int(made["number"]), str(made.get("html_url", "")))


def _open_issue(client: GitHubClient, *, marker: str, label: str) -> dict[str, Any] | None:
    for issue in client.paged(
        "/issues",
        params={"state": "open", "labels": label},
        what=f"the open issues labelled '{label}'",
    ):
        # The issues endpoint lists pull requests too.
        if "pull_request" not in issue and str(issue.get("body") or "").startswith(marker):
            return issue
    return None


def _close(client: GitHubClient, issue: dict[str, Any], *, env: str) -> IssueResult:
    number = int(issue["number"])
    client.call(
        "POST",
        f"/issues/{number}/comments",
        body={"body": f"No drift in '{env}' any more: the live endpoints match git. Closing."},
        what=f"a closing comment on drift issue #{number}",
    )
    made = client.call(
        "PATCH",
        f"/issues/{number}",
        body={"state": "closed", "state_reason": "completed"},
        what=f"closing drift issue #{number}",
    )
    return IssueResult("closed", number, str(made.get("html_url", "")))
