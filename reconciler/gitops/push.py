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

from git import GitCommandError, Repo

from reconciler.gitops.gitutil import bot_identity, first_line, require_repo
from reconciler.gitops.rebase import RebaseFailed, rebase_onto
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
    remote: str = "origin",
    branch: str | None = None,
    attempts: int = 5,
    sleep: Callable[[float], None] = time.sleep,
) -> PushResult:
    """Push HEAD to ``remote``/``branch`` (default: the current branch), rebasing on rejection."""
    with require_repo(root) as repo:
        branch = branch or _current_branch(repo)
        if remote not in [r.name for r in repo.remotes]:
            raise ConfigError(
                f"git remote {remote!r} is not configured in {repo.working_tree_dir}",
                hint=f"add it with 'git remote add {remote} URL', or drop --push",
            )
        return _push_with_retries(
            repo, remote=remote, branch=branch, attempts=attempts, sleep=sleep
        )


def _push_with_retries(
    repo: Repo, *, remote: str, branch: str, attempts: int, sleep: Callable[[float], None]
) -> PushResult:
    head, rebases, error, attempt = repo.head.commit.hexsha, 0, "", 0
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


def _current_branch(repo: Repo) -> str:
    if repo.head.is_detached:
        raise ConfigError(
            "HEAD is detached, so there is no branch to push state to",
            hint="check out a branch, or pass the branch to push explicitly",
        )
    return str(repo.active_branch.name)


def _try_push(repo: Repo, *, remote: str, branch: str, sha: str) -> str:
    """'' when the push landed, else git's reason."""
    try:
        repo.git.push("--porcelain", remote, f"{sha}:refs/heads/{branch}")
    except GitCommandError as exc:
        return " ".join(str(exc.stdout or "").split() + str(exc.stderr or "").split())
    return ""


def _fetch(repo: Repo, *, remote: str, branch: str) -> str:
    tracking = f"refs/remotes/{remote}/{branch}"
    try:
        repo.git.fetch("--quiet", remote, f"+refs/heads/{branch}:{tracking}")
    except GitCommandError as exc:
        raise RebaseFailed(f"fetch from {remote} failed: {first_line(exc)}") from exc
    return str(repo.commit(tracking).hexsha)


def _move_branch(repo: Repo, branch: str, sha: str) -> str:
    """Point the local branch at what was pushed, carrying the user's local changes along.

    A rebased commit is not a descendant of the local one, so this is not a fast-forward:
    ``read-tree -m -u`` is the two-tree switch ``git checkout`` uses (staged and unstaged
    edits to files the switch does not touch are kept; it refuses rather than overwrite one),
    then the branch ref moves only if it still points where it did.
    """
    old = repo.head.commit.hexsha
    if old == sha:
        return "pushed"
    if repo.head.is_detached or repo.active_branch.name != branch:
        return f"pushed {sha[:12]}; the local branch was left as it was"
    try:
        repo.git.read_tree("-m", "-u", old, sha)
        repo.git.update_ref(
            "-m", "reconcile: rebased state onto the remote", f"refs/heads/{branch}", sha, old
        )
    except GitCommandError as exc:
        return (
            f"pushed {sha[:12]} after a rebase, but the local branch was left as it was "
            f"({first_line(exc)}); run 'git pull --rebase'"
        )
    return "pushed after rebasing onto the remote"


class _Worktree:
    """A throwaway detached checkout of ``sha`` sharing the repository's objects."""

    def __init__(self, repo: Repo, sha: str) -> None:
        self._main = repo
        self._temp = Path(tempfile.mkdtemp(prefix="reconcile-push-"))
        self.path = self._temp / "tree"
        repo.git.worktree("add", "--detach", "--quiet", str(self.path), sha)
        self.repo = Repo(self.path)

    def remove(self) -> None:
        self.repo.close()
        try:
            self._main.git.worktree("remove", "--force", str(self.path))
        except GitCommandError:
            shutil.rmtree(self.path, ignore_errors=True)
            self._main.git.worktree("prune")
        shutil.rmtree(self._temp, ignore_errors=True)
