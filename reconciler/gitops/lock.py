"""One run at a time per environment: the local file lock, and with ``--push`` the remote lease.

The main job (apply), import and promote hold it around everything they write. Taken in a fixed
order (this machine first, then the remote) so two runs never hold one each and wait forever.
After taking the lease the checkout is fast-forwarded to the remote branch when the remote moved
only by state commits, so a runner that waited plans against the state the previous holder
pushed, not the one it cloned; a remote that also moved manifests is left alone, because a job
applies the commit it was given (the workflows promote one commit from environment to
environment), and the push's rebase merges the state.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reconciler.gitops.audit import default_actor
from reconciler.gitops.filelock import FileLock
from reconciler.gitops.git import GitFailed, find
from reconciler.gitops.holder import Holder
from reconciler.gitops.lease import Lease
from reconciler.gitops.locksettings import DEFAULT_REMOTE, DEFAULT_TIMEOUT, LockSettings
from reconciler.gitops.writer import one_writer


@dataclass(frozen=True)
class Held:
    """What holding the lock told us: runs that died holding it, and the lease if any."""

    interrupted: tuple[Holder, ...]
    lease: Lease | None = None
    died_here: bool = False  # a run on this machine died holding the local lock

    def problems(self) -> list[str]:
        return [f"environment lock: {self.lease.lost}"] if self.lease and self.lease.lost else []


@contextmanager
def environment_lock(
    root: Path,
    env: str,
    *,
    me: Holder,
    settings: LockSettings,
    on_wait: Callable[[str], None] = lambda _m: None,
) -> Iterator[Held]:
    """Hold ``env``'s lock for the body; raises EnvironmentLocked when it stays busy."""
    start = time.monotonic()
    local = FileLock(root, env, sandbox=settings.sandbox)
    found = [local.acquire(me, timeout=settings.timeout, on_wait=on_wait)]
    lease: Lease | None = None
    try:
        if settings.remote:
            lease = Lease(root, env, ttl=settings.ttl, remote=settings.remote_name)
            left = max(0.0, settings.timeout - (time.monotonic() - start))
            found.append(lease.acquire(me, timeout=left, on_wait=on_wait))
            fast_forward(root, remote=settings.remote_name)
        yield Held(
            interrupted=tuple(h for h in found if h is not None),
            lease=lease,
            died_here=found[0] is not None,
        )
    finally:
        if lease is not None:
            lease.release()
        local.release()


@contextmanager
def manifest_lock(root: Path, env: str, *, timeout: float = DEFAULT_TIMEOUT) -> Iterator[Held]:
    """The lock import and promote hold while they write ``env``'s manifests (this machine
    only: they write files, not the remote)."""
    me = Holder.for_run(actor=default_actor(root), run=str(uuid.uuid4()), environ=os.environ)
    with environment_lock(root, env, me=me, settings=LockSettings(timeout=timeout)) as held:
        yield held


def fast_forward(root: Path, remote: str = DEFAULT_REMOTE) -> bool:
    """Bring the current branch up to the remote's when that is a fast-forward that changes
    nothing but ``state/``; any other case (manifests moved, diverged, local edits in the way,
    no branch) is left to the push's rebase."""
    repo = find(root)
    branch = repo.branch() if repo is not None else None
    if repo is None or branch is None:
        return False
    with one_writer(repo):
        try:
            upstream = repo.fetch(remote, branch)
        except GitFailed:
            return False
        if not repo.ok("merge-base", "--is-ancestor", "HEAD", upstream):
            return False
        if not repo.ok("diff", "--quiet", "HEAD", upstream, "--", ".", ":(exclude)state"):
            return False  # the remote moved manifests too: apply the commit this job was given
        return repo.fast_forward(upstream)
