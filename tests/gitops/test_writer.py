"""One process at a time moves a checkout's refs: two agents on one clone take turns."""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from reconciler.gitops import writer
from reconciler.gitops.git import require
from reconciler.gitops.pull import fast_forward
from reconciler.gitops.repo import commit_state
from reconciler.structs.errors import ConfigError, EnvironmentLocked, ExitCode
from tests.fixtures_gitops import Remote, git, write


@contextmanager
def held_elsewhere(clone: Path) -> Iterator[None]:
    """The writer lock held through a descriptor of its own, as another process holds it
    (``flock`` locks belong to the open file, so this one excludes ours as a process would)."""
    path = writer.lock_file(require(clone))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def test_a_fast_forward_waits_while_another_process_moves_the_checkout(
    gitops_remote: Remote,
) -> None:
    write(gitops_remote.b / "environments" / "dev" / "m.yaml", "name: m\n")
    git(gitops_remote.b, "add", "-A")
    git(gitops_remote.b, "commit", "--quiet", "-m", "a manifest")
    git(gitops_remote.b, "push", "--quiet", "origin", "main")
    pulled: list[str] = []
    with held_elsewhere(gitops_remote.a):
        agent = threading.Thread(target=lambda: pulled.append(fast_forward(gitops_remote.a).after))
        agent.start()
        agent.join(0.5)
        assert agent.is_alive() and not pulled  # waiting for its turn, not failing
    agent.join(10)
    assert pulled == [git(gitops_remote.b, "rev-parse", "HEAD").strip()]


def test_a_writer_kept_out_too_long_fails_with_exit_5_and_commits_nothing(
    gitops_remote: Remote, monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = gitops_remote.a
    before = git(clone, "rev-parse", "HEAD")
    write(clone / "state" / "dev" / "audit.jsonl", "{}\n")
    monkeypatch.setattr(writer, "WAIT_SECONDS", 0.2)
    with held_elsewhere(clone), pytest.raises(EnvironmentLocked) as raised:
        commit_state(clone, "dev", message="reconcile(dev): records")
    assert raised.value.exit_code == ExitCode.UNREACHABLE
    assert "another reconcile process has been updating the git checkout" in str(raised.value)
    assert "own clone" in (raised.value.hint or "")
    assert git(clone, "rev-parse", "HEAD") == before
    assert git(clone, "diff", "--cached", "--name-only") == ""


def test_the_lock_is_reentrant_in_a_thread_and_given_back_at_the_end(
    gitops_repo: Path,
) -> None:
    repo = require(gitops_repo)
    with writer.one_writer(repo), writer.one_writer(repo, wait=0.1):
        pass
    with writer.lock_file(repo).open("a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again: raises if still held


def _push_records_from_b(remote: Remote) -> None:
    write(remote.b / "state" / "dev" / "audit.jsonl", '{"from": "b"}\n')
    git(remote.b, "add", "-A")
    git(remote.b, "commit", "--quiet", "-m", "b's records")
    git(remote.b, "push", "--quiet", "origin", "main")


def test_a_failed_fast_forward_blames_uncommitted_records_only_when_they_are_the_cause(
    gitops_remote: Remote,
) -> None:
    _push_records_from_b(gitops_remote)
    write(gitops_remote.a / "state" / "dev" / "audit.jsonl", '{"from": "a"}\n')
    with pytest.raises(ConfigError) as raised:
        fast_forward(gitops_remote.a)
    assert "would be overwritten" in str(raised.value)
    assert "uncommitted records under state/" in (raised.value.hint or "")

    (gitops_remote.a / "state" / "dev" / "audit.jsonl").unlink()
    (require(gitops_remote.a).git_dir / "index.lock").write_text("")  # a git left running
    with pytest.raises(ConfigError) as raised:
        fast_forward(gitops_remote.a)
    assert "index.lock" in str(raised.value)
    assert "state/" not in (raised.value.hint or "") and "git status" in (raised.value.hint or "")


def test_threads_take_turns_per_repository_and_are_told_it_is_this_process(
    gitops_remote: Remote, gitops_repo: Path
) -> None:
    busy, other = require(gitops_remote.a), require(gitops_repo)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with writer.one_writer(busy):
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        with writer.one_writer(other, wait=0.1):  # another repository: no wait at all
            pass
        with pytest.raises(EnvironmentLocked) as raised, writer.one_writer(busy, wait=0.1):
            pass
        assert "another thread of this process" in str(raised.value)
    finally:
        release.set()
        holder.join(10)


def test_a_waiter_outlasts_one_network_operation_of_the_holder() -> None:
    from reconciler.gitops.git import NETWORK_TIMEOUT

    assert writer.WAIT_SECONDS > NETWORK_TIMEOUT


def test_git_is_run_without_optional_locks() -> None:
    """A status that reads refreshed the index under its lock, and another run's commit in
    the same checkout failed with "index.lock: File exists" (a review, two agents)."""
    from reconciler.gitops.git import environment

    assert environment()["GIT_OPTIONAL_LOCKS"] == "0"
