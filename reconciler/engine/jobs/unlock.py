"""`reconcile unlock`: break an environment lock whose holder is dead, and say so in the log.

A lock on one machine is never stale while its holder lives (the kernel drops it on death), so
only the record a dead holder left is cleared. A remote lease is broken when it has lapsed, or
with ``force`` when the operator knows its holder is dead; a live holder is never broken
silently. Every break is a LOCK_BROKEN entry naming whose lock it was, committed and pushed
with ``--commit``/``--push`` like any other mutation.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from reconciler.engine.record.recorder import Recorder
from reconciler.gitops.audit import default_actor
from reconciler.gitops.chain import audit_path
from reconciler.gitops.filelock import clear_stale
from reconciler.gitops.holder import Holder
from reconciler.gitops.lease import Lease
from reconciler.gitops.locksettings import DEFAULT_REMOTE, DEFAULT_TTL
from reconciler.gitops.preflight import check_writeback
from reconciler.gitops.repo import commit_and_push, head_commit
from reconciler.manifests import require_known
from reconciler.structs.errors import ConfigError


@dataclass(frozen=True)
class UnlockRequest:
    root: Path
    environment: str
    force: bool = False
    commit: bool = False
    push: bool = False
    remote: str = DEFAULT_REMOTE  # where the lease is broken and the entry pushed (--remote)


@dataclass(frozen=True)
class Broken:
    where: str  # "this machine" or "the remote"
    holder: Holder | None

    def describe(self) -> str:
        who = self.holder.describe() if self.holder else "an unreadable holder"
        return f"broke the lock on {self.where} held by {who}"


def run_unlock(request: UnlockRequest) -> list[Broken]:
    """Break what is stale; returns what was broken (empty: there was no lock). A name that
    is not an environment is a typo to report (exit 1), not "no lock"."""
    require_known(request.root, [request.environment])
    if request.commit or request.push:
        check_writeback(request.root, push=request.push, remote=request.remote)
    broken = []
    local = clear_stale(request.root, request.environment)
    if local is not None:
        broken.append(Broken("this machine", local))
    if request.push:
        remote = _break_lease(request)
        if remote is not None:
            broken.append(remote)
    if broken:
        _record(request, broken)
    return broken


def _break_lease(request: UnlockRequest) -> Broken | None:
    lease = Lease(request.root, request.environment, ttl=DEFAULT_TTL, remote=request.remote)
    sha, holder = lease.read()
    if sha is None:
        return None
    if holder is not None and not holder.expired(time.time()) and not request.force:
        raise ConfigError(
            f"the lock on {request.environment!r} is held by {holder.describe()} and has not "
            "lapsed; nothing was changed",
            hint="wait for the lease to lapse, or pass --force if you know that run is dead",
        )
    if not lease.break_(sha):
        raise ConfigError(
            f"the lock on {request.environment!r} changed while breaking it: {lease.last_error}",
            hint="run 'reconcile unlock' again to see who holds it now",
        )
    return Broken("the remote", holder)


def _record(request: UnlockRequest, broken: list[Broken]) -> None:
    env = request.environment
    recorder = Recorder(
        audit_path(request.root, env),
        environment=env,
        actor=default_actor(request.root),
        git_commit=head_commit(request.root),
    )
    for item in broken:
        recorder.record(
            "LOCK_BROKEN",
            item=None,
            name="*",
            model_id=None,
            result=item.describe(),
            payload={"run": item.holder.run if item.holder else None, "where": item.where},
        )
    if request.commit or request.push:
        _, pushed = commit_and_push(
            request.root,
            env,
            message=f"reconcile({env}): lock broken [skip ci]",
            push=request.push,
            remote=request.remote,
        )
        if pushed is not None and not pushed.pushed:
            raise ConfigError(
                f"the LOCK_BROKEN entry was committed but not pushed: {pushed.detail}"
            )
