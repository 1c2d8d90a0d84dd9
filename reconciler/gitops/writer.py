"""One reconcile process at a time moves a checkout's refs: ``flock`` on a file per repository.

Two sync agents started on the same checkout (by two systemd units, or a unit and a person's
``--once``) fetched and fast-forwarded at the same moment; git compares and swaps refs, so
one of them failed its round with "cannot lock ref 'HEAD'" (and the hint of a different
failure). Every step of ours that moves a ref or the index of a checkout (a fetch into the
remote-tracking branch, a fast-forward, a records commit, a push with its rebase) therefore
holds this lock, in ``.git/reconcile/locks/checkout.lock`` beside the environment locks.

It is taken only around such a step, never around waiting for another lock: the environment
lock is taken first and this one inside it, so two runs cannot each hold one and wait for
the other. Within a process it is reentrant for a thread, and threads (the service's) take
turns on it, per repository. A step may be a fetch or a push, so a waiter waits longer than
one network operation may take (``NETWORK_TIMEOUT``) before it gives up; an apply's records
commit and their push are one step, so another run never sees the commit without its push.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from reconciler.gitops.filelock import locks_folder, try_lock
from reconciler.gitops.git import NETWORK_TIMEOUT, Repository, find
from reconciler.structs.errors import EnvironmentLocked

WAIT_SECONDS = NETWORK_TIMEOUT + 60.0  # outlasts one fetch or push of the holder
_POLL = 0.05
_registry = threading.Lock()
_turns: dict[Path, threading.RLock] = {}  # lock file -> the turns of this process's threads
_held: dict[Path, tuple[int, IO[bytes]]] = {}  # lock file -> (depth, open handle), under turns


def lock_file(repo: Repository) -> Path:
    """Where a repository's writer lock lives (shared by all its worktrees, as git's refs)."""
    return locks_folder(repo) / "checkout.lock"


@contextmanager
def one_writer(repo: Repository, *, wait: float | None = None) -> Iterator[None]:
    """Hold the checkout's writer lock for the body; raise EnvironmentLocked (exit 5, nothing
    changed by this step) when another process keeps it longer than ``wait`` seconds."""
    limit = WAIT_SECONDS if wait is None else wait
    path = lock_file(repo)
    with _registry:
        turns = _turns.setdefault(path, threading.RLock())
    if not turns.acquire(timeout=limit):
        raise _busy(repo, limit, who="another thread of this process")
    try:
        depth, handle = _held.get(path) or (0, _take(repo, path, limit))
        _held[path] = (depth + 1, handle)
        try:
            yield
        finally:
            depth, handle = _held.pop(path)
            if depth > 1:
                _held[path] = (depth - 1, handle)
            else:
                handle.close()  # closing the descriptor drops the flock
    finally:
        turns.release()


@contextmanager
def writing(root: Path) -> Iterator[None]:
    """``one_writer`` for the repository ``root`` is in; nothing outside one."""
    repo = find(root)
    if repo is None:
        yield
        return
    with one_writer(repo):
        yield


def _take(repo: Repository, path: Path, limit: float) -> IO[bytes]:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+b")
    deadline = time.monotonic() + limit
    while not try_lock(handle):
        if time.monotonic() >= deadline:
            handle.close()
            raise _busy(repo, limit, who="another reconcile process")
        time.sleep(_POLL)
    return handle


def _busy(repo: Repository, limit: float, *, who: str) -> EnvironmentLocked:
    return EnvironmentLocked(
        f"{who} has been updating the git checkout {repo.top} for more "
        f"than {limit:.0f}s; this step changed nothing",
        hint="two agents or runs share this checkout: give each its own clone, or wait "
        "for the other to finish (a sync round retries)",
    )
