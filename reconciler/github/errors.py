"""GitHub failures as ``ReconcileError`` subclasses, so the CLI boundary prints a fix.

Permission problems are by far the most common failure in a new repository (the default
``GITHUB_TOKEN`` is read-only), so 401/403 name the ``permissions:`` entry the workflow needs.
No ``requests`` exception leaves the package and no message ever carries the token.
"""

from __future__ import annotations

from reconciler.structs.errors import ApiUnavailable, ConfigError

PERMISSIONS_HINT = (
    "check the workflow's permissions: it needs 'pull-requests: write' to comment on a pull "
    "request, 'issues: write' for drift issues and 'actions: read' to fetch a saved plan, and "
    "GITHUB_TOKEN must be passed to the step"
)


class GitHubAuthError(ApiUnavailable):
    """401/403: the token is missing, expired or lacks a permission."""


class GitHubRateLimited(ApiUnavailable):
    """403/429 with an exhausted rate limit."""


class GitHubUnavailable(ApiUnavailable):
    """No usable answer from GitHub: connection failure, timeout or 5xx."""


class GitHubNotFound(ConfigError):
    """404: the repository, pull request or issue does not exist or is not visible."""


class GitHubRejected(ConfigError):
    """422 and other 4xx: GitHub refused the request as invalid."""


def error_for(
    status: int, *, what: str, message: str, rate_limited: bool
) -> ConfigError | ApiUnavailable:
    """The error for a GitHub response ``status`` to the request described by ``what``."""
    text = f"GitHub refused {what}: HTTP {status}: {message}"
    if rate_limited or status == 429:
        return GitHubRateLimited(text, hint="GitHub's rate limit is exhausted; rerun later")
    if status in (401, 403):
        return GitHubAuthError(text, hint=PERMISSIONS_HINT)
    if status == 404:
        return GitHubNotFound(
            text,
            hint="check GITHUB_REPOSITORY, the pull request or issue "
            "number, and that the token can see the repository",
        )
    if status >= 500:
        return GitHubUnavailable(text, hint="GitHub had a problem; rerun the job")
    return GitHubRejected(text, hint="this is likely a bug in reconcile; please report it")
