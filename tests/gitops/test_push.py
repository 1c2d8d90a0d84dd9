"""Pushing state to a bare remote, alone and racing another reconciler."""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from reconciler.gitops.audit import AuditVerdict, verify_log
from reconciler.gitops.push import PushResult
from reconciler.gitops.repo import commit_state, push_state
from reconciler.gitops.snapshot import write_snapshot
from reconciler.gitops.state import verify_environment
from reconciler.structs.errors import ConfigError
from tests.fixtures_gitops import Remote, append_entries, git, write


def _apply(clone: Path, *, prefix: str, count: int = 2, when: datetime | None = None) -> str:
    """What one reconciler run leaves behind: audit entries, a snapshot, a state commit."""
    append_entries(clone / "state" / "staging" / "audit.jsonl", count, prefix=prefix)
    clock = (lambda: when) if when else None
    write_snapshot(
        clone, "staging", models=[{"name": f"{prefix}-model"}], git_commit=None, clock=clock
    )
    sha = commit_state(clone, "staging", message=f"reconcile(staging): {prefix}")
    assert sha is not None
    return sha


def _push(clone: Path) -> PushResult:
    return push_state(clone, sleep=lambda _s: None)


def _remote_file(gitops_remote: Remote, name: str, tmp_path: Path) -> Path:
    path = tmp_path / f"remote-{name}"
    path.write_text(git(gitops_remote.bare, "show", f"main:state/staging/{name}"), encoding="utf-8")
    return path


def _remote_verdict(gitops_remote: Remote, tmp_path: Path) -> AuditVerdict:
    """Audit chain and snapshot anchor of the remote's state, as `audit verify` judges them."""
    root = tmp_path / "remote-root"
    for name in ("audit.jsonl", "snapshot.json"):
        text = git(gitops_remote.bare, "show", f"main:state/staging/{name}")
        write(root / "state" / "staging" / name, text)
    return verify_environment(root, "staging")


def _models(lines: str) -> list[str]:
    return [json.loads(line)["model"] for line in lines.splitlines()]


def test_a_lone_push_lands_first_time(gitops_remote: Remote) -> None:
    sha = _apply(gitops_remote.a, prefix="a")
    result = _push(gitops_remote.a)
    assert (result.pushed, result.attempts, result.rebases, result.commit) == (True, 1, 0, sha)
    assert git(gitops_remote.bare, "rev-parse", "main").strip() == sha


def test_second_pusher_rebases_and_the_chain_stays_linear(
    gitops_remote: Remote, tmp_path: Path, gitops_time: datetime
) -> None:
    _apply(gitops_remote.a, prefix="a", when=gitops_time)
    _apply(gitops_remote.b, prefix="b", when=gitops_time + timedelta(seconds=5))
    a_lines = (gitops_remote.a / "state" / "staging" / "audit.jsonl").read_text()
    assert _push(gitops_remote.a).pushed
    result = _push(gitops_remote.b)
    assert (result.pushed, result.attempts, result.rebases) == (True, 2, 1), result
    log = _remote_file(gitops_remote, "audit.jsonl", tmp_path)
    assert verify_log(log).ok and verify_log(log).entries == 4
    assert log.read_text().startswith(a_lines)  # shared history is never rewritten
    assert _models(log.read_text()) == ["a0", "a1", "b0", "b1"]
    snapshot = json.loads(_remote_file(gitops_remote, "snapshot.json", tmp_path).read_text())
    assert (snapshot["serial"], snapshot["models"]) == (2, [{"name": "b-model"}])
    last = json.loads(log.read_text().splitlines()[-1])  # b's anchor followed b1 to line 4
    assert snapshot["auditHead"] == {"entries": 4, "hash": last["hash"]}
    assert _remote_verdict(gitops_remote, tmp_path).ok
    assert git(gitops_remote.bare, "rev-list", "--count", "main") == "3\n"  # amended, not added
    assert git(gitops_remote.b, "rev-parse", "HEAD") == git(
        gitops_remote.bare, "rev-parse", "main"
    ), result
    assert git(gitops_remote.bare, "rev-list", "--merges", "main") == ""
    assert "[skip ci]" in git(gitops_remote.bare, "log", "-1", "--format=%s", "main")


def test_the_newer_snapshot_wins_a_rebase(
    gitops_remote: Remote, tmp_path: Path, gitops_time: datetime
) -> None:
    _apply(gitops_remote.a, prefix="a", when=gitops_time + timedelta(seconds=5))
    _apply(gitops_remote.b, prefix="b", when=gitops_time)
    assert _push(gitops_remote.a).pushed and _push(gitops_remote.b).pushed
    snapshot = json.loads(_remote_file(gitops_remote, "snapshot.json", tmp_path).read_text())
    assert (snapshot["serial"], snapshot["models"]) == (2, [{"name": "a-model"}])
    assert snapshot["auditHead"]["entries"] == 2  # a's own anchor, on lines never rewritten
    assert _remote_verdict(gitops_remote, tmp_path).ok


def test_several_local_applies_rebase_with_rising_serials(
    gitops_remote: Remote, tmp_path: Path
) -> None:
    _apply(gitops_remote.a, prefix="a")
    _apply(gitops_remote.b, prefix="b")
    _apply(gitops_remote.b, prefix="c")
    assert _push(gitops_remote.a).pushed
    assert _push(gitops_remote.b).pushed
    assert _models(_remote_file(gitops_remote, "audit.jsonl", tmp_path).read_text()) == [
        "a0",
        "a1",
        "b0",
        "b1",
        "c0",
        "c1",
    ]
    assert verify_log(_remote_file(gitops_remote, "audit.jsonl", tmp_path)).ok
    assert (
        json.loads(_remote_file(gitops_remote, "snapshot.json", tmp_path).read_text())["serial"]
        == 3
    )
    assert _remote_verdict(gitops_remote, tmp_path).ok


def _race(clones: dict[str, Path]) -> dict[str, PushResult]:
    """Push from every clone at the same instant, each in its own thread."""
    results: dict[str, PushResult] = {}
    barrier = threading.Barrier(len(clones))

    def push(name: str) -> None:
        barrier.wait()
        results[name] = push_state(clones[name], attempts=6)

    threads = [threading.Thread(target=push, args=(name,)) for name in clones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_reconcilers_pushing_at_once_both_land(gitops_remote: Remote, tmp_path: Path) -> None:
    for round_ in range(3):
        _apply(gitops_remote.a, prefix=f"a{round_}-")
        _apply(gitops_remote.b, prefix=f"b{round_}-")
        results = _race({"a": gitops_remote.a, "b": gitops_remote.b})
        assert all(r.pushed for r in results.values()), results
        assert sum(r.rebases for r in results.values()) >= 1  # both started from one parent
    log = _remote_file(gitops_remote, "audit.jsonl", tmp_path)
    verdict = verify_log(log)
    assert verdict.ok and verdict.entries == 12, verdict
    assert sorted(_models(log.read_text())) == sorted(
        f"{p}{r}-{i}" for p in "ab" for r in range(3) for i in range(2)
    )
    assert (
        json.loads(_remote_file(gitops_remote, "snapshot.json", tmp_path).read_text())["serial"]
        == 6
    )
    assert _remote_verdict(gitops_remote, tmp_path).ok


def test_users_uncommitted_work_survives_a_rebased_push(gitops_remote: Remote) -> None:
    _apply(gitops_remote.a, prefix="a")
    _apply(gitops_remote.b, prefix="b")
    write(gitops_remote.b / "environments" / "staging" / "models" / "a.yaml", "edited: true\n")
    write(gitops_remote.b / "environments" / "staging" / "models" / "new.yaml", "new: true\n")
    git(gitops_remote.b, "add", "environments/staging/models/new.yaml")
    assert _push(gitops_remote.a).pushed and _push(gitops_remote.b).rebases == 1
    assert sorted(git(gitops_remote.b, "status", "--porcelain").splitlines()) == [
        " M environments/staging/models/a.yaml",
        "A  environments/staging/models/new.yaml",
    ]
    assert git(gitops_remote.b, "worktree", "list").count("\n") == 1


def test_conflict_outside_state_is_left_to_a_person(gitops_remote: Remote) -> None:
    for clone, text in ((gitops_remote.a, "a: 1\n"), (gitops_remote.b, "b: 2\n")):
        write(clone / "environments" / "staging" / "models" / "a.yaml", text)
        git(clone, "commit", "--quiet", "-am", "edit manifest")
        _apply(clone, prefix=clone.name)
    assert _push(gitops_remote.a).pushed
    before = git(gitops_remote.b, "rev-parse", "HEAD")
    result = _push(gitops_remote.b)
    assert not result.pushed
    assert "environments/staging/models/a.yaml" in result.detail, result.detail
    assert git(gitops_remote.b, "rev-parse", "HEAD") == before
    assert git(gitops_remote.b, "status", "--porcelain") == ""
    assert git(gitops_remote.b, "worktree", "list").count("\n") == 1


def test_a_damaged_upstream_chain_is_never_pushed_upon(gitops_remote: Remote) -> None:
    _apply(gitops_remote.a, prefix="a", count=3)
    log = gitops_remote.a / "state" / "staging" / "audit.jsonl"
    log.write_text(log.read_text().replace('"model":"a1"', '"model":"zz"'))
    git(gitops_remote.a, "commit", "--quiet", "-am", "tamper")
    assert _push(gitops_remote.a).pushed
    _apply(gitops_remote.b, prefix="b")
    before = git(gitops_remote.bare, "rev-parse", "main")
    result = _push(gitops_remote.b)
    assert not result.pushed and "does not verify" in result.detail
    assert git(gitops_remote.bare, "rev-parse", "main") == before


def test_push_needs_a_remote_and_a_branch(gitops_repo: Path) -> None:
    with pytest.raises(ConfigError, match="remote 'origin' is not configured"):
        push_state(gitops_repo)
    git(gitops_repo, "checkout", "--quiet", "--detach")
    with pytest.raises(ConfigError, match="detached"):
        push_state(gitops_repo)


def test_a_record_touched_but_unchanged_does_not_keep_the_branch_behind(
    gitops_remote: Remote,
) -> None:
    """git runs without optional locks, so no status refreshed the index: the switch to the
    rebased commit took a file whose times changed as a local edit and left the branch."""
    _apply(gitops_remote.a, prefix="a")
    _apply(gitops_remote.b, prefix="b")
    snapshot = gitops_remote.b / "state" / "staging" / "snapshot.json"
    os.utime(snapshot, (1e9, 1e9))
    assert _push(gitops_remote.a).pushed
    result = _push(gitops_remote.b)
    assert result.pushed and result.detail == "pushed after rebasing onto the remote", result
    assert git(gitops_remote.b, "rev-parse", "HEAD") == git(gitops_remote.bare, "rev-parse", "main")
