"""Before a run records anything: commit (and push) the records a crashed run left behind.

``gitops.leftover`` checks and commits them; this is the one call every writer makes under
the environment's lock (the main job, ``drift --commit``, the service at start-up and before
each job), so they land in a commit of their own before anything new is planned or appended.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reconciler.gitops.leftover import Leftovers, commit_leftovers
from reconciler.gitops.repo import push_state
from reconciler.structs.errors import ConfigError


def commit_leftovers_first(
    root: Path, env: str, *, push: bool, notify: Callable[[str], None] = lambda _m: None
) -> Leftovers | None:
    """Commit ``env``'s uncommitted records (push them with ``push``) and say so; a ConfigError,
    before anything is planned, when they do not verify or cannot be pushed."""
    found = commit_leftovers(root, env)
    if found is None:
        return None
    notify(found.describe())
    if push and found.commit:
        pushed = push_state(root)
        if not pushed.pushed:
            raise ConfigError(
                f"the records an interrupted run left in state/{env}/ were committed as "
                f"{found.commit[:12]} but could not be pushed ({pushed.detail}); nothing was "
                "planned or changed",
                hint="push them by hand ('git pull --rebase && git push'), then run again",
            )
    return found
