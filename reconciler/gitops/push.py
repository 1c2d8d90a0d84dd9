"""Pushing state commits when another reconciler may be pushing to the same branch.

On a rejected push we fetch, rebase our commits onto the remote branch, resolve conflicts in
state files by the rules of ``merge``, check every audit chain the rebase touched, and try
again, a bounded number of times with a short jittered pause so two racers do not collide in
lockstep. The rebase runs in a temporary detached worktree, so the user's working tree,
index and any rebase of their own are never involved; once the push lands, the local branch
is moved to what was pushed, keeping the user's staged and unstaged edits (``_move_branch``).
Problems of configuration (no repository, no remote, detached HEAD) raise
ConfigError; a push that could not land returns ``pushed=False`` with the reason, because the
apply it records has already happened and the caller decides what that means.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reconciler.gitops.git import GitFailed, Repository, require
from reconciler.gitops.gitutil import bot_identity
from reconciler.gitops.locksettings import DEFAULT_REMOTE
from reconciler.gitops.rebase import RebaseFailed, rebase_onto
from reconciler.gitops.writer import one_writer
from reconciler.structs.errors import ConfigError


@dataclass(frozen=True)
class PushResult:
    """What happened: whether it landed, after how many attempts and rebases, and which sha."""

    pushed: bool
    attempts: int
    commit: str | None
    rebases: int
    detail: str


def push_state(
    root: Path,
    *,
    remote: str = DEFAULT_REMOTE,
    branch: str | None = None,
    attempts: int = 5,
    sleep: Callable[[float], None] = time.sleep,
) -> PushResult:
    """Push HEAD to ``remote``/``branch`` (default: the current branch), rebasing on rejection."""
    repo = require(root)
    branch = branch or _current_branch(repo)
    if remote not in repo.remotes():
        raise ConfigError(
            f"git remote {remote!r} is not configured in {repo.top}",
            hint=f"add it with 'git remote add {remote} URL', or drop --push",
        )
    with one_writer(repo):
        return _push_with_retries(
            repo, remote=remote, branch=branch, attempts=attempts, sleep=sleep
        )


def _push_with_retries(
    repo: Repository, *, remote: str, branch: str, attempts: int, sleep: Callable[[float], None]
) -> PushResult:
    head, rebases, error, attempt = _head(repo), 0, "", 0
    work: _Worktree | None = None
    try:
        for attempt in range(1, attempts + 1):
            error = _try_push(repo, remote=remote, branch=branch, sha=head)
            if not error:
                return PushResult(True, attempt, head, rebases, _move_branch(repo, branch, head))
            if "rejected" not in error or "hook declined" in error or attempt == attempts:
                break
            sleep(random.uniform(0.05, 0.25) * attempt)
            work = work or _Worktree(repo, head)
            try:
                upstream = _fetch(repo, remote=remote, branch=branch)
                head = rebase_onto(work.repo, upstream, identity=bot_identity())
            except RebaseFailed as exc:
                return PushResult(False, attempt, head, rebases, str(exc))
            rebases += 1
    finally:
        if work is not None:
            work.remove()
    return PushResult(False, attempt, head, rebases, f"push rejected: {error}")


def _current_branch(repo: Repository) -> str:
    branch = repo.branch()
    if branch is None:
        raise ConfigError(
            "HEAD is detached, so there is no branch to push state to",
            hint="check out a branch, or pass the branch to push explicitly",
        )
    return branch


def _head(repo: Repository) -> str:
    head = repo.head()
    if head is None:
        raise ConfigError(
            f"the branch in {repo.top} has no commit yet, so there is nothing to push",
            hint="commit the configuration first, then push",
        )
    return head


def _try_push(repo: Repository, *, remote: str, branch: str, sha: str) -> str:
    """'' when the push landed, else git's reason."""
    done = repo.push(remote, f"{sha}:refs/heads/{branch}")
    return "" if done.ok else done.said


def _fetch(repo: Repository, *, remote: str, branch: str) -> str:
    try:
        return repo.fetch(remote, branch, into=f"refs/remotes/{remote}/{branch}")
    except GitFailed as exc:
        raise RebaseFailed(f"fetch from {remote} failed: {exc.detail}") from exc


def _move_branch(repo: Repository, branch: str, sha: str) -> str:
    """Point the local branch at what was pushed, carrying the user's local changes along.

    A rebased commit is not a descendant of the local one, so this is not a fast-forward:
    ``read-tree -m -u`` is the two-tree switch ``git checkout`` uses (staged and unstaged
    edits to files the switch does not touch are kept; it refuses rather than overwrite one),
    then the branch ref moves only if it still points where it did.
    """
    old = _head(repo)
    if old == sha:
        return "pushed"
    if repo.branch() != branch:
        return f"pushed {sha[:12]}; the local branch was left as it was"
    try:
        repo.run("update-index", "-q", "--refresh", check=False)  # stat-only changes
        repo.run("read-tree", "-m", "-u", old, sha)
        repo.run(
            "update-ref",
            "-m",
            "reconcile: rebased state onto the remote",
            f"refs/heads/{branch}",
            sha,
            old,
        )
    except GitFailed as exc:
        return (
            f"pushed {sha[:12]} after a rebase, but the local branch was left as it was "
            f"({exc.detail}); run 'git pull --rebase'"
        )
    return "pushed after rebasing onto the remote"


class _Worktree:
    """A throwaway detached checkout of ``sha`` sharing the repository's objects."""

    def __init__(self, repo: Repository, sha: str) -> None:
        self._main = repo
        self._temp = Path(tempfile.mkdtemp(prefix="reconcile-push-"))
        self.path = self._temp / "tree"
        self.repo = repo.worktree(self.path, sha)

    def remove(self) -> None:
        self._main.remove_worktree(self.path)
        shutil.rmtree(self._temp, ignore_errors=True)
