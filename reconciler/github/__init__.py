"""Talking to GitHub from the workflows: PR plan comments, drift issues, step summaries,
and pull requests for state a push could not land.

The workflows in ``.github/workflows/`` call ``reconcile github ...``; this package is what those
commands do. It owns a small ``requests`` session of its own (the gateway client is for Genesys
only), finds its comments and issues again by hidden markers so each environment has exactly one,
and never lets the token reach output, reprs or error messages.
"""

from reconciler.github.body import comment_marker, drift_marker, fit_body
from reconciler.github.client import GitHubClient
from reconciler.github.comments import upsert_plan_comment
from reconciler.github.issues import sync_drift_issue
from reconciler.github.plans import ReviewedPlan, artifact_name, find_reviewed_plan
from reconciler.github.pulls import open_pull_request, open_state_pull_request
from reconciler.github.summary import append_step_summary

__all__ = [
    "GitHubClient",
    "ReviewedPlan",
    "append_step_summary",
    "artifact_name",
    "comment_marker",
    "drift_marker",
    "find_reviewed_plan",
    "fit_body",
    "open_pull_request",
    "open_state_pull_request",
    "sync_drift_issue",
    "upsert_plan_comment",
]
