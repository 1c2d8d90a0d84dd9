"""Before a run records anything: commit (and push) the records a crashed run left behind.

``gitops.leftover`` checks and commits them; this is the one call every writer makes under
the environment's lock (the main job, ``drift --commit``, the service at start-up and before
each job), so they land in a commit of their own before anything new is planned or appended.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path

from reconciler.gitops.audit import default_actor
from reconciler.gitops.holder import Holder
from reconciler.gitops.leftover import Leftovers, commit_leftovers
from reconciler.gitops.lock import environment_lock
from reconciler.gitops.locksettings import DEFAULT_REMOTE, LockSettings
from reconciler.gitops.repo import push_state
from reconciler.gitops.writer import writing
from reconciler.structs.errors import ConfigError


def commit_leftovers_first(
    root: Path,
    env: str,
    *,
    push: bool,
    killed: bool = False,
    notify: Callable[[str], None] = lambda _m: None,
    remote: str = DEFAULT_REMOTE,
) -> Leftovers | None:
    """Commit ``env``'s uncommitted records (push them to ``remote`` with ``push``) and say
    so; a ConfigError, before anything is planned, when they do not verify or cannot be
    pushed. ``killed``: the environment's lock told of a run that died holding it (see
    ``gitops.leftover``)."""
    with writing(root):  # the commit and its push as one step (gitops.writer)
        found = commit_leftovers(root, env, killed=killed)
        pushed = push_state(root, remote=remote) if push and found and found.commit else None
    if found is None:
        return None
    notify(found.describe())
    if pushed is not None and not pushed.pushed and found.commit:
        raise ConfigError(
            f"the records an interrupted run left in state/{env}/ were committed as "
            f"{found.commit[:12]} but could not be pushed ({pushed.detail}); nothing was "
            "planned or changed",
            hint="push them by hand ('git pull --rebase && git push'), then run again",
        )
    return found


def commit_leftovers_locked(
    root: Path,
    env: str,
    *,
    push: bool,
    notify: Callable[[str], None] = lambda _m: None,
    timeout: float = 0.0,
    remote: str = DEFAULT_REMOTE,
) -> Leftovers | None:
    """``commit_leftovers_first`` under ``env``'s lock on this machine, for a caller that holds
    no lock of its own (the service at start-up). A run holding the lock is not interrupted:
    EnvironmentLocked after ``timeout``, and that run commits what it finds itself."""
    me = Holder.for_run(actor=default_actor(root), run=str(uuid.uuid4()), environ=os.environ)
    with environment_lock(root, env, me=me, settings=LockSettings(timeout=timeout)) as held:
        return commit_leftovers_first(
            root, env, push=push, killed=held.died_here, notify=notify, remote=remote
        )
