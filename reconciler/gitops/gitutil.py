"""The identity the bot commits with: arguments, else RECONCILE_GIT_AUTHOR_NAME/EMAIL, else
``reconcile-bot``; as the environment variables git reads, so CI needs no identity set up.
Reaching git itself is ``gitops.git``'s job."""

from __future__ import annotations

import os

DEFAULT_AUTHOR_NAME = "reconcile-bot"
DEFAULT_AUTHOR_EMAIL = "reconcile-bot@users.noreply.github.com"


def bot_identity(name: str | None = None, email: str | None = None) -> dict[str, str]:
    """Author and committer: arguments, else RECONCILE_GIT_AUTHOR_NAME/EMAIL, else the bot."""
    name = name or os.environ.get("RECONCILE_GIT_AUTHOR_NAME") or DEFAULT_AUTHOR_NAME
    email = email or os.environ.get("RECONCILE_GIT_AUTHOR_EMAIL") or DEFAULT_AUTHOR_EMAIL
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }
