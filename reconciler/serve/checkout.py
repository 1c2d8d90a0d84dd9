"""The served checkout before a direct apply: current with its remote, nothing uncommitted.

A job applies what the served checkout holds. With ``--push`` that checkout is one clone
among the team's: a teammate's merged (and applied) change on the remote was missing from it,
so an unrelated "Apply now" planned it as drift and put the old value back live, and its
records named a commit the push then rebased away. So before an apply the served branch is
fetched and fast-forwarded (only a fast-forward: a diverged branch is refused, 409, with
what to do). Uncommitted edits of the environment's manifests are refused too (409, naming
the files): nobody reviewed them, yet a job would apply them (and record ``-dirty``).

A second ``reconcile serve`` on the same checkout is allowed, with a warning at start: its
git writes take turns with the first one's (``gitops.writer``) and a request that finds the
branch moved is checked again from the new commit (``configure``), but each one's job list
misses the other's jobs. Two ``--sandbox`` services on one checkout are refused: each would
run its own emulator on the one state file, and they overwrite each other's models.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import IO

from reconciler.gitops.filelock import locks_folder, try_lock
from reconciler.gitops.git import GitFailed
from reconciler.gitops.writer import one_writer
from reconciler.serve.branches import Served, advance_branch, elsewhere, switch_back
from reconciler.serve.errors import ApiError
from reconciler.structs.display import listed
from reconciler.structs.errors import ConfigError

log = logging.getLogger("reconciler.serve")
SHOWN = 5  # uncommitted files named in an answer
NO_BRANCH = "couldn't find remote ref"  # git's words when the remote has no such branch yet


def follow_remote(served: Served, *, remote: str) -> None:
    """Fetch ``remote``'s copy of the served branch and fast-forward the branch and its
    checkout to it; 409 when they diverged, 503 when the remote cannot be reached."""
    repo, branch = served.repo, served.branch
    upstream = f"{remote}/{branch}"
    with one_writer(repo):
        try:
            theirs = repo.fetch(remote, branch, into=f"refs/remotes/{upstream}")
        except GitFailed as exc:
            if NO_BRANCH in exc.detail:
                return  # nothing to follow: the job's push creates the branch there
            raise ApiError(
                503,
                "remote-unavailable",
                f"cannot fetch {upstream} to apply what it holds: {exc.detail}; nothing was "
                "changed. Check the remote's URL and the service's credentials for it "
                "('git fetch' in the served checkout)",
            ) from exc
        mine = served.tip()
        ahead, behind = repo.distance(mine, theirs)
        if not behind:
            return  # current, or ahead by commits the job's push publishes
        if ahead:
            raise ApiError(
                409,
                "conflict",
                f"the served branch {branch!r} has diverged from {upstream}: {ahead} local "
                f"commit(s) are not on it and it has {behind} new one(s); nothing was applied. "
                f"In the served checkout, push the local commits through review or save them "
                f"elsewhere, then 'git reset --hard {upstream}'",
            )
        advance_branch(served, old=mine, new=theirs, message=f"reconcile serve: {upstream}")


def remote_tip(served: Served, *, remote: str) -> str | None:
    """The remote's copy of the served branch, fetched, when it is ahead of the branch: what
    a proposal starts from with ``--push``, so its branch and its plan hold what the team
    merged, while the served checkout stays as it is. None when it is not ahead (or cannot be
    fetched: the branch's push then says why)."""
    repo, branch = served.repo, served.branch
    try:
        with one_writer(repo):
            theirs = repo.fetch(remote, branch, into=f"refs/remotes/{remote}/{branch}")
    except GitFailed as exc:
        log.warning("cannot fetch %s/%s for a proposal: %s", remote, branch, exc.detail)
        return None
    mine = served.tip()
    if theirs != mine and repo.ok("merge-base", "--is-ancestor", mine, theirs):
        return theirs
    return None


def refuse_uncommitted(served: Served, env: str) -> None:
    """409 when the served checkout is not on its branch (``elsewhere``), or naming the files
    when ``environments/<env>/`` differs from its branch (edited, staged, new, deleted or
    ignored files)."""
    if found := _not_committed(served, env):
        raise ApiError(409, "conflict", "{}. {}".format(*found))


def check_committed(served: Served, env: str) -> None:
    """``refuse_uncommitted`` for a queued job, which fails with the same words: the job
    applies the files of the checkout, which must be the served branch's."""
    if found := _not_committed(served, env):
        raise ConfigError(found[0], hint=found[1])


def _not_committed(served: Served, env: str) -> tuple[str, str] | None:
    """What keeps the checkout's ``environments/<env>/`` from being its branch's, and the fix."""
    if away := elsewhere(served):
        return away, switch_back(served)
    if found := uncommitted(served, env):
        return found, UNCOMMITTED_FIX
    return None


UNCOMMITTED_FIX = (
    "Commit them (through review) or discard them in the served checkout ('git stash -u' "
    "or 'git checkout -- PATH'; a manifest .gitignore hides: move it out of the folder), "
    "then apply again"
)


def uncommitted(served: Served, env: str) -> str | None:
    """What is uncommitted under ``environments/<env>/``, as the refusal says it; None if
    nothing. A file ``.gitignore`` or ``.git/info/exclude`` hides counts too: ``git status``
    alone does not list it, yet the job loads every manifest in the folder, so an ignored
    manifest went live recorded as the clean commit."""
    folder = served.path("environments", env)
    paths = served.repo.changed_paths(folder) + served.repo.ignored_manifests(folder)
    if not paths:
        return None
    shown = listed(paths, SHOWN)
    return (
        f"the served checkout has uncommitted changes to {env}'s manifests ({shown}); an "
        "apply would put them live unreviewed, so nothing was applied"
    )


class ServingMark:
    """A ``flock`` held while this service serves a checkout, so a second one can tell."""

    def __init__(self, served: Served) -> None:
        self.path: Path = locks_folder(served.repo) / "serve.lock"
        self.top = served.top
        self._handle: IO[str] | None = None
        self._warned = False  # another service held it when this one looked, and was told

    def take(self, *, sandbox: bool) -> None:
        """Hold the mark; when another service holds it, log a warning and serve anyway, or
        with ``--sandbox`` on both refuse (ConfigError): each would run its own emulator on
        the one state file under ``.reconciler/sandbox/``, overwriting the other's models.
        Taken again (the CLI takes it before announcing its URL, ``Service.start`` after),
        it tries the lock again, since the other service may have stopped meanwhile, but the
        operator is warned once."""
        if self._handle is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        if not try_lock(handle):
            handle.seek(0)
            pid, _, kind = handle.read().strip().partition(" ")
            handle.close()
            if sandbox and kind == "sandbox":
                raise ConfigError(
                    f"another reconcile serve --sandbox (pid {pid or 'unknown'}) is serving "
                    f"{self.top}: two emulators on its one state file would overwrite each "
                    "other's models",
                    hint="use that service, or stop it first; to try things side by side, "
                    "serve a clone of its own",
                )
            if not self._warned:
                log.warning(
                    "another reconcile serve (pid %s) is serving %s: the two take turns on "
                    "its git writes, and a request that finds the branch moved by the other is "
                    "checked again; give each service its own clone to keep them apart",
                    pid or "unknown",
                    self.top,
                )
            self._warned = True
            return
        handle.truncate(0)
        handle.write(f"{os.getpid()} {'sandbox' if sandbox else 'gateway'}\n")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        self._warned = False
        if self._handle is not None:
            self._handle.close()
            self._handle = None
