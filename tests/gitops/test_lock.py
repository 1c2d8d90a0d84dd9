"""The environment lock: a file lock on one machine, a lease on the remote across machines."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reconciler.gitops.filelock import FileLock, clear_stale
from reconciler.gitops.holder import Holder
from reconciler.gitops.lease import Lease, lease_ref
from reconciler.gitops.lock import environment_lock
from reconciler.gitops.locksettings import LockSettings
from reconciler.structs.errors import EnvironmentLocked, ExitCode
from tests.fixtures_gitops import Remote, git


def holder(run: str) -> Holder:
    return Holder.for_run(
        actor=f"actor-{run}",
        run=run,
        environ={
            "GITHUB_SERVER_URL": "https://github.example",
            "GITHUB_REPOSITORY": "o/r",
            "GITHUB_RUN_ID": run,
        },
    )


def test_a_second_holder_on_this_machine_waits_then_fails_naming_the_first(
    tmp_path: Path,
) -> None:
    first = FileLock(tmp_path, "staging")
    assert first.acquire(holder("run-1"), timeout=0) is None
    waits: list[str] = []
    with pytest.raises(EnvironmentLocked) as caught:
        FileLock(tmp_path, "staging").acquire(holder("run-2"), timeout=0.3, on_wait=waits.append)
    assert caught.value.exit_code == ExitCode.UNREACHABLE
    assert "run run-1 by actor-run-1@" in caught.value.message
    assert "https://github.example/o/r/actions/runs/run-1" in caught.value.message
    assert "nothing was changed" in caught.value.message
    assert waits and "waiting up to 0s" in waits[0]
    prod = FileLock(tmp_path, "prod")
    assert prod.acquire(holder("run-3"), timeout=0) is None  # one lock per environment
    prod.release()
    first.release()
    second = FileLock(tmp_path, "staging")
    assert second.acquire(holder("run-2"), timeout=0) is None
    second.release()


def test_a_holder_that_died_is_reported_by_the_next_one(tmp_path: Path) -> None:
    dead = FileLock(tmp_path, "staging")
    dead.acquire(holder("run-1"), timeout=0)
    assert dead._handle is not None
    dead._handle.close()  # the process died: the kernel dropped the lock, the record stays
    after = FileLock(tmp_path, "staging")
    previous = after.acquire(holder("run-2"), timeout=0)
    after.release()
    assert previous is not None and previous.run == "run-1"


def test_clear_stale_refuses_a_live_holder(tmp_path: Path) -> None:
    live = FileLock(tmp_path, "staging")
    live.acquire(holder("run-1"), timeout=0)
    with pytest.raises(EnvironmentLocked, match="not stale"):
        clear_stale(tmp_path, "staging")
    live.release()
    assert clear_stale(tmp_path, "staging") is None


def test_the_lease_admits_one_runner_and_names_it_to_the_other(gitops_remote: Remote) -> None:
    a = Lease(gitops_remote.a, "staging", ttl=60)
    assert a.acquire(holder("run-a"), timeout=0) is None
    assert git(gitops_remote.bare, "for-each-ref", lease_ref("staging")).strip()
    b = Lease(gitops_remote.b, "staging", ttl=60)
    with pytest.raises(EnvironmentLocked) as caught:
        b.acquire(holder("run-b"), timeout=0.2, sleep=lambda _s: None)
    assert "run run-a by actor-run-a@" in caught.value.message
    assert "reconcile unlock --env staging --push" in (caught.value.hint or "")
    a.release()
    assert not git(gitops_remote.bare, "for-each-ref", lease_ref("staging")).strip()
    assert b.acquire(holder("run-b"), timeout=0) is None
    b.release()


def test_an_expired_lease_is_taken_over_and_its_holder_reported(gitops_remote: Remote) -> None:
    killed = Lease(gitops_remote.a, "staging", ttl=0.3)
    killed.acquire(holder("run-a"), timeout=0)
    killed._stop.set()  # kill -9: no more renewals, no release
    time.sleep(0.4)
    b = Lease(gitops_remote.b, "staging", ttl=60)
    previous = b.acquire(holder("run-b"), timeout=5)
    assert previous is not None and previous.run == "run-a"
    _sha, current = b.read()
    assert current is not None and current.run == "run-b"
    b.release()


def test_a_held_lease_is_renewed_before_it_lapses(gitops_remote: Remote) -> None:
    a = Lease(gitops_remote.a, "staging", ttl=0.6)
    a.acquire(holder("run-a"), timeout=0)
    time.sleep(1.0)  # longer than the lease lives unrenewed
    with pytest.raises(EnvironmentLocked):
        Lease(gitops_remote.b, "staging", ttl=60).acquire(holder("run-b"), timeout=0)
    assert a.lost is None
    a.release()


def test_environment_lock_fast_forwards_to_what_the_last_holder_pushed(
    gitops_remote: Remote,
) -> None:
    (gitops_remote.a / "state").mkdir()
    (gitops_remote.a / "state" / "x").write_text("1\n")
    git(gitops_remote.a, "add", "state")
    git(gitops_remote.a, "commit", "--quiet", "-m", "state")
    git(gitops_remote.a, "push", "--quiet", "origin", "main")
    settings = LockSettings(timeout=1, ttl=60, remote=True)
    with environment_lock(gitops_remote.b, "staging", me=holder("b"), settings=settings) as held:
        assert held.interrupted == ()
        assert (gitops_remote.b / "state" / "x").read_text() == "1\n"
    assert not git(gitops_remote.bare, "for-each-ref", lease_ref("staging")).strip()


def test_environment_lock_leaves_the_checkout_alone_when_manifests_moved(
    gitops_remote: Remote,
) -> None:
    """A job applies the commit it was given: a remote that also moved manifests is not
    fast-forwarded into the checkout (the push's rebase merges the state instead)."""
    before = git(gitops_remote.b, "rev-parse", "HEAD").strip()
    manifest = gitops_remote.a / "environments" / "staging" / "models" / "a.yaml"
    manifest.write_text("kind: ModelEndpoint\n# changed\n")
    git(gitops_remote.a, "commit", "--quiet", "-am", "a manifest change")
    git(gitops_remote.a, "push", "--quiet", "origin", "main")
    settings = LockSettings(timeout=1, ttl=60, remote=True)
    with environment_lock(gitops_remote.b, "staging", me=holder("b"), settings=settings):
        assert git(gitops_remote.b, "rev-parse", "HEAD").strip() == before
