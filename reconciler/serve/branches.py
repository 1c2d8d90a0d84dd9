"""Commits made without a work tree: the served checkout, its index and its branch stay as
they are while configure requests commit manifests on branches of their own.

A commit is built with git's plumbing on a private index file (``read-tree`` of the base,
``update-index`` of the one manifest, ``write-tree``, ``commit-tree``) and a branch is created
with ``update-ref`` only if it does not exist yet, so two requests can never share one. The
environment folder of the base commit is read straight from git's objects for validation.
Every operation is its own ``git`` process (``gitops.git``), so requests on several threads
share nothing but the repository. Only a direct apply moves the served branch itself
(``commit_on_branch``, ``advance_branch``): all or nothing, in turn with every other writer.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reconciler.gitops.git import GitFailed, Repository, first_line, require
from reconciler.gitops.gitutil import bot_identity
from reconciler.gitops.writer import one_writer
from reconciler.serve.errors import ApiError
from reconciler.serve.switchlog import noted, recover
from reconciler.structs.errors import ConfigError, EnvironmentLocked
from reconciler.structs.identifiers import (
    has_control,
    is_environment_name,
    is_model_name,
    require_model_name,
)

log = logging.getLogger("reconciler.serve")
ZERO = "0" * 40
INDEX_WAIT = 5.0  # seconds a git command of someone else may hold the served index's lock


@dataclass(frozen=True)
class Served:
    """The served repository: where the config root sits in it, and its checked-out branch."""

    repo: Repository
    root: Path
    branch: str
    prefix: str  # the config root relative to the top, "" when they are the same

    @property
    def top(self) -> Path:
        return self.repo.top

    def path(self, *parts: str) -> str:
        return "/".join(p for p in (self.prefix, *parts) if p)

    def tip(self) -> str:
        tip = self.repo.commit(f"refs/heads/{self.branch}")
        if tip is None:
            raise ConfigError(
                f"the served branch {self.branch!r} has no commit",
                hint="commit the configuration on it, then start the service again",
            )
        return tip


def elsewhere(served: Served) -> str | None:
    """Why the served checkout is not on the served branch (a person ran ``git switch`` in
    it), as a refusal says it; None when it is. Its index and work tree then belong to
    another branch: a switch made there staged the manifest on that branch, and a job would
    apply that branch's files."""
    ref = served.repo.branch_ref()
    if ref == f"refs/heads/{served.branch}":
        return None
    where = f"branch {ref.removeprefix('refs/heads/')!r}" if ref else "a detached HEAD"
    return (
        f"the served checkout {served.top} is on {where}, not on the served branch "
        f"{served.branch!r}; nothing was changed"
    )


def switch_back(served: Served) -> str:
    """What to do about ``elsewhere``."""
    return (
        "Commit or stash the work on that branch, switch the served checkout back ('git "
        f"switch {served.branch}' there), then apply again; keep other work in a clone or a "
        "'git worktree' of its own"
    )


def open_served(root: Path) -> Served:
    repo = require(root)
    branch = repo.branch()
    if branch is None:
        raise ConfigError(
            f"the served repository {repo.top} has a detached HEAD",
            hint="check out the branch that environments are applied from (e.g. main)",
        )
    prefix = repo.path(root)
    return Served(repo=repo, root=root, branch=branch, prefix="" if prefix == "." else prefix)


def read_folder(served: Served, commit: str, folder: str, dest: Path) -> None:
    """Write the files under ``folder`` at ``commit`` into ``dest/folder``."""
    for path, data in served.repo.files(commit, folder).items():
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def is_commit(served: Served, commit: str) -> bool:
    """Whether ``commit`` names a commit of the served repository."""
    return served.repo.commit(commit) is not None


def file_at(served: Served, commit: str, path: str) -> str | None:
    blob = served.repo.blob(commit, path)
    return blob.decode("utf-8") if blob is not None else None


def commit_file(
    served: Served, *, base: str, path: str, text: str, message: str, author: str | None = None
) -> str:
    """A new commit on top of ``base`` whose only change is ``path`` holding ``text``, by
    ``author`` (default: the bot)."""
    _checked_path(path)
    repo = served.repo
    with tempfile.TemporaryDirectory(prefix="reconcile-serve-") as temp:
        env = {"GIT_INDEX_FILE": str(Path(temp) / "index"), **bot_identity(author)}
        blob = repo.run("hash-object", "-w", "--stdin", stdin=text.encode("utf-8")).text
        repo.run("read-tree", base, env=env)
        repo.run("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
        tree = repo.text("write-tree", env=env)
        return repo.text("commit-tree", tree, "-p", base, "-m", message, env=env)


def new_branch(served: Served, *, prefix: str, commit: str) -> str:
    """Create ``prefix-<random>`` at ``commit``; refuses to move an existing ref.

    Then ``git gc --auto``, as git's own commit and fetch run it: the plumbing that made the
    commit packs nothing, so a service that only proposes left six loose objects and a loose
    ref a proposal, thousands of files a month. The repository's settings decide (``gc.auto``
    0 turns it off); past git's threshold it packs in the background (``gc.autoDetach``)."""
    _checked_prefix(prefix)
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    with one_writer(served.repo):
        served.repo.run("update-ref", f"refs/heads/{name}", commit, ZERO)
    done = served.repo.run("gc", "--auto", "--quiet", check=False)
    if not done.ok:  # the branch is made; packing waits for git's next chance
        log.warning("git gc --auto in %s failed: %s", served.top, first_line(done.stderr))
    return name


def _checked_path(path: str) -> None:
    """Refuse a path this layer would not build from validated names: callers are trusted to
    validate, and this is where a name they missed would become a file on a branch."""
    parts = path.split("/")
    if any(p in ("", ".", "..") or has_control(p) for p in parts):
        raise ConfigError(
            f"refusing to commit the path {path!r}",
            hint="paths are built from validated environment and model names",
        )
    if len(parts) >= 2 and parts[-2] == "models":
        require_model_name(parts[-1].removesuffix(".yaml"))


def _checked_prefix(prefix: str) -> None:
    if not all(is_environment_name(p) or is_model_name(p) for p in prefix.split("/")):
        raise ConfigError(
            f"refusing to create a branch named after {prefix!r}",
            hint="branch names are built from validated environment and model names",
        )


class BranchMoved(EnvironmentLocked):
    """The served branch is no longer where the request started from (another service on
    this root, or a person, committed meanwhile); nothing was changed, and a new attempt
    starts from the new tip."""


def commit_on_branch(
    served: Served,
    *,
    base: str,
    folder: str,
    path: str,
    text: str,
    message: str,
    author: str | None = None,
) -> str:
    """Commit ``path`` holding ``text`` on the served branch and bring the checkout along
    (``advance_branch``); returns the commit. The request was checked against ``folder`` (its
    environment) at ``base``: when the branch moved since by commits that leave that folder as
    it was (a person's commit elsewhere), the file is committed on the new tip, which changes
    nothing that was checked; otherwise BranchMoved, and the request is checked again."""
    with one_writer(served.repo), _locked_index(served.repo) as index:
        tip = served.tip()
        if tip != base and not _same_folder(served, base, tip, folder):
            raise _moved(served)
        commit = commit_file(served, base=tip, path=path, text=text, message=message, author=author)
        _switch(served, index, old=tip, new=commit, message=message.partition("\n")[0])
        return commit


def _same_folder(served: Served, one: str, other: str, folder: str) -> bool:
    """Whether ``folder`` is the same tree (or absent) in both commits."""
    found = served.repo.run("rev-parse", f"{one}:{folder}", f"{other}:{folder}", check=False)
    trees = found.text.split()
    return found.ok and len(trees) == 2 and trees[0] == trees[1]


def advance_branch(served: Served, *, old: str, new: str, message: str) -> None:
    """Move the served branch from ``old`` to ``new`` and bring its checkout and index along,
    keeping local edits to other files (``read-tree -m -u`` is the switch ``git checkout``
    makes): all of it or nothing.

    Under the checkout's writer lock (``gitops.writer``: another service or run of ours on
    this checkout waits its turn), the index is locked as git locks it (``index.lock``, so
    a person's ``git commit`` meanwhile fails as against any running git rather than taking
    our staged files), the switch is made in that lock file, and the branch moves only if it
    is still at ``old``. Any failure puts the work tree back and leaves the index as it was:
    before, the manifest stayed staged and the next person's commit or apply took it."""
    with one_writer(served.repo), _locked_index(served.repo) as index:
        if served.tip() != old:
            raise _moved(served)
        _switch(served, index, old=old, new=new, message=message)


def _switch(served: Served, index: Path, *, old: str, new: str, message: str) -> None:
    """The switch made in the locked ``index``, the branch moved only from ``old``, and the
    index renamed into place; on failure the work tree is put back."""
    repo = served.repo
    away = elsewhere(served)  # checked under the index's lock, which a 'git switch' takes
    if away:
        raise ApiError(409, "conflict", f"{away}. {switch_back(served)}")
    env = {"GIT_INDEX_FILE": str(index)}
    ref = f"refs/heads/{served.branch}"
    with noted(repo, ref=ref, old=old, new=new):  # a kill -9 from here on is made good
        try:
            # a file whose times changed but not its content is up to date: git runs
            # without optional locks, so no status refreshed the index (git.environment)
            repo.run("update-index", "-q", "--refresh", env=env, check=False)
            repo.run("read-tree", "-m", "-u", old, new, env=env)
        except GitFailed as exc:
            raise ApiError(
                409,
                "conflict",
                "the served checkout has local edits to files this change brings "
                f"({exc.detail}); nothing was changed. Commit or discard them there "
                "('git stash'), then send the request again",
            ) from exc
        if not repo.ok("update-ref", "-m", message, ref, new, old):
            repo.run("read-tree", "-m", "-u", new, old, env=env, check=False)
            raise _moved(served)
        os.replace(index, repo.git_dir / "index")


def recover_switch(served: Served) -> None:
    """Finish or undo a switch of the served checkout that a killed process left midway
    (``switchlog``): at the service's start, so its stale ``index.lock`` goes at once."""
    with one_writer(served.repo):
        _recover(served.repo)


def _recover(repo: Repository) -> None:
    done = recover(repo)
    if done:
        log.warning("the served checkout %s: %s", repo.top, done)


def _moved(served: Served) -> BranchMoved:
    return BranchMoved(
        f"the served branch {served.branch!r} moved while this request was checked (another "
        "service on this checkout, or a commit made in it); nothing was changed",
        hint="send the request again: it is checked against the new commit",
    )


@contextmanager
def _locked_index(repo: Repository) -> Iterator[Path]:
    """git's own lock of the index, ``index.lock``, holding a copy of the index: a new index
    is written there and renamed over the index, or the lock is removed."""
    _recover(repo)  # the callers hold the writer lock: a note left is a dead writer's
    index = repo.git_dir / "index"
    lock = repo.git_dir / "index.lock"
    deadline = time.monotonic() + INDEX_WAIT
    while True:
        try:
            handle = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            break
        except FileExistsError:
            if time.monotonic() >= deadline:
                raise _index_busy(repo, lock) from None
            time.sleep(0.02)  # a person's git command holds it for milliseconds
    try:
        with os.fdopen(handle, "wb") as out:
            if index.is_file():
                out.write(index.read_bytes())
        yield lock
    finally:
        lock.unlink(missing_ok=True)  # renamed away when the switch was made


def _index_busy(repo: Repository, lock: Path) -> EnvironmentLocked:
    return EnvironmentLocked(
        f"a git command is running in the served checkout {repo.top} ({lock} exists); "
        "nothing was changed",
        hint="send the request again in a moment; if no git command runs there, one "
        f"that crashed left the lock behind: remove {lock}",
    )


def push_branch(served: Served, branch: str, *, remote: str) -> str | None:
    """Push ``branch``; None when it landed, else git's reason (the commit stays local)."""
    done = served.repo.push(remote, f"refs/heads/{branch}:refs/heads/{branch}")
    return None if done.ok else first_line(done.stderr)
