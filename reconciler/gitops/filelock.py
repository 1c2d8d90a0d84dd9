"""The environment lock on one machine: ``flock`` on a file per environment.

The file lives in the repository's git folder (``.git/reconcile/locks/<env>.lock``, shared by
every worktree of it), where git keeps its own locks and no status ever shows it; a root that
is not in a repository uses ``.reconciler/locks/<env>.lock``.

``fcntl.flock`` rather than the ``filelock`` package: the kernel drops the lock when its
holder dies, kill -9 included, so there is never a stale lock on one machine to clean up, and
the standard library has it. The holder's record is written into the file while held and
cleared on release; a record found on acquiring therefore belongs to a run that died holding
the lock, which the caller reports as the interrupted run.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from reconciler.gitops.git import Repository, find
from reconciler.gitops.holder import Holder, parse_holder
from reconciler.structs.errors import EnvironmentLocked
from reconciler.structs.paths import private_path


def lock_path(root: Path, env: str, *, sandbox: bool = False) -> Path:
    """Where ``env``'s lock lives for ``root`` (the sandbox's in ``locks/sandbox/``). A
    repository git refuses (another user's) raises UnsafeRepository rather than quietly
    putting the lock somewhere else."""
    name = ("sandbox", f"{env}.lock") if sandbox else (f"{env}.lock",)
    repo = find(root)
    if repo is not None:
        return locks_folder(repo).joinpath(*name)
    return private_path(root, "locks", *name)


def locks_folder(repo: Repository) -> Path:
    """Where a repository's local locks live (``.git/reconcile/locks``): the environments',
    the checkout writer's and the service's, shared by every worktree as git's refs are."""
    return repo.common_dir / "reconcile" / "locks"


class FileLock:
    """Acquire with ``acquire``, give back with ``release``; one instance per attempt."""

    def __init__(self, root: Path, env: str, *, sandbox: bool = False) -> None:
        self.path = lock_path(root, env, sandbox=sandbox)
        self.env = env
        self._handle: IO[bytes] | None = None

    def acquire(
        self,
        me: Holder,
        *,
        timeout: float,
        on_wait: Callable[[str], None] = lambda _m: None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> Holder | None:
        """Wait up to ``timeout`` seconds; returns the record of a holder that died holding
        it (or None), raises EnvironmentLocked naming the live holder after the wait."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+b")
        deadline, told = monotonic() + timeout, False
        while not try_lock(handle):
            holder = parse_holder(self.path.read_text(encoding="utf-8", errors="replace"))
            who = holder.describe() if holder else "another process"
            if monotonic() >= deadline:
                handle.close()
                raise EnvironmentLocked(
                    f"environment {self.env!r} is locked on this machine by {who}; "
                    "nothing was changed",
                    hint="wait for that run to finish, or pass a longer --lock-timeout",
                )
            if not told:
                on_wait(f"waiting up to {timeout:.0f}s for the lock on {self.env!r} held by {who}")
                told = True
            sleep(min(0.2, max(0.0, deadline - monotonic())))
        handle.seek(0)
        previous = parse_holder(handle.read().decode("utf-8", errors="replace"))
        _rewrite(handle, me.to_text())
        self._handle = handle
        return previous

    def release(self) -> None:
        if self._handle is None:
            return
        _rewrite(self._handle, "")
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()
        self._handle = None


def clear_stale(root: Path, env: str) -> Holder | None:
    """The record a dead holder left, cleared; None when there is none. Raises
    EnvironmentLocked when a live process holds the lock (only it can give it back)."""
    path = lock_path(root, env)
    if not path.exists():
        return None
    with path.open("r+b") as handle:
        if not try_lock(handle):
            holder = parse_holder(path.read_text(encoding="utf-8", errors="replace"))
            raise EnvironmentLocked(
                f"environment {env!r} is locked on this machine by a live process "
                f"({holder.describe() if holder else 'unknown'}); it is not stale",
                hint="wait for it to finish, or stop that process",
            )
        previous = parse_holder(handle.read().decode("utf-8", errors="replace"))
        _rewrite(handle, "")
    return previous


def try_lock(handle: IO[Any]) -> bool:
    """Take ``flock`` on ``handle`` without waiting; False when another holds it."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _rewrite(handle: IO[bytes], text: str) -> None:
    handle.seek(0)
    handle.truncate()
    handle.write(text.encode("utf-8"))
    handle.flush()
    os.fsync(handle.fileno())
