"""A run killed after writing its records and before committing them, rerun in the SAME
checkout (where the records are still on disk): the rerun verifies and commits them first,
finishes the snapshot, and leaves nothing uncommitted; records that do not chain are refused.

The kill is reproduced exactly: a run applies with its records left uncommitted (as they are
between the write and the commit), and for a kill before the snapshot, the log is cut back to
the entries written before it and the snapshot put back to HEAD's. ``tests/cli`` kills real
processes; this file covers what the rerun does with each state a kill can leave.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reconciler.engine.jobs.drift_job import DriftRequest, run_drift
from reconciler.structs.drift import DriftKind
from reconciler.structs.errors import ConfigError, ExitCode
from tests.fixtures_engine import ENV, ConfigRepo, Run
from tests.fixtures_gitops import configure, git
from tests.fixtures_serve import commit_all

STATE = f"state/{ENV}"


@pytest.fixture
def repo(config_repo: ConfigRepo) -> ConfigRepo:
    root = config_repo.root
    git(root.parent, "init", "--quiet", "-b", "main", str(root))
    configure(root)
    config_repo.write_model("alpha-model")
    commit_all(root)
    return config_repo


def status(root: Path) -> str:
    return git(root, "status", "--porcelain", "--", STATE)


def log_lines(root: Path) -> list[dict[str, Any]]:
    text = (root / STATE / "audit.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def kill_before_commit(run: Run, repo: ConfigRepo, *, before_snapshot: bool) -> None:
    """A change applied whose records were written and never committed (kill -9 before the
    commit); with ``before_snapshot`` the kill came before CONFIG_SYNC and the snapshot."""
    repo.write_model("beta-model")
    commit_all(repo.root, "add beta")
    assert run() == ExitCode.OK
    if before_snapshot:
        path = repo.root / STATE / "audit.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        last_sync = max(i for i, line in enumerate(lines) if '"CONFIG_SYNC"' in line)
        path.write_text("".join(lines[:last_sync]), encoding="utf-8")
        git(repo.root, "checkout", "HEAD", "--", f"{STATE}/snapshot.json")
    assert status(repo.root)


def drifted(repo: ConfigRepo) -> list[Any]:
    report = run_drift(DriftRequest(root=repo.root, environment=ENV, environ=repo.environ))
    return report.of(DriftKind.DRIFTED) + report.of(DriftKind.UNMANAGED)


@pytest.mark.parametrize("before_snapshot", [False, True], ids=["after-snapshot", "mid-run"])
def test_the_rerun_commits_what_the_killed_run_left_and_finishes_its_snapshot(
    run: Run, repo: ConfigRepo, before_snapshot: bool
) -> None:
    assert run(commit=True) == ExitCode.OK
    kill_before_commit(run, repo, before_snapshot=before_snapshot)
    left = log_lines(repo.root)

    notices: list[str] = []
    assert run(commit=True, notices=notices) == ExitCode.OK

    assert not run.plan.has_changes
    assert status(repo.root) == ""
    assert len(notices) == 1 and "left uncommitted" in notices[0]
    subjects = git(repo.root, "log", "--format=%s", "-3").splitlines()
    assert any("interrupted run left uncommitted" in s for s in subjects)
    assert log_lines(repo.root)[: len(left)] == left  # committed as they were, then extended
    assert drifted(repo) == []  # beta is in the snapshot, not "created outside git"
    assert not [e for e in log_lines(repo.root) if e["action"] == "MODEL_RECOVERED"]


def test_a_torn_last_line_is_cut_kept_aside_and_the_rest_committed(
    run: Run, repo: ConfigRepo
) -> None:
    assert run(commit=True) == ExitCode.OK
    kill_before_commit(run, repo, before_snapshot=False)
    path = repo.root / STATE / "audit.jsonl"
    whole = path.read_bytes()
    with path.open("ab") as handle:
        handle.write(b'{"action":"MODEL_UPDATED","au')

    notices: list[str] = []
    assert run(commit=True, notices=notices) == ExitCode.OK
    assert status(repo.root) == ""
    assert path.read_bytes().startswith(whole)
    assert "torn last audit line" in notices[0]
    kept = list((repo.root / ".reconciler" / "torn").iterdir())
    assert [p.read_bytes() for p in kept] == [b'{"action":"MODEL_UPDATED","au']


def test_records_that_do_not_extend_the_committed_log_are_refused(
    run: Run, repo: ConfigRepo
) -> None:
    assert run(commit=True) == ExitCode.OK
    kill_before_commit(run, repo, before_snapshot=False)
    path = repo.root / STATE / "audit.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[1:]), encoding="utf-8")  # the first committed entry removed
    head, planned = git(repo.root, "rev-parse", "HEAD"), len(run.plans)

    with pytest.raises(ConfigError) as caught:
        run(commit=True)
    assert "cannot be committed" in caught.value.message
    assert f"git checkout -- {STATE}" in (caught.value.hint or "")
    assert git(repo.root, "rev-parse", "HEAD") == head
    assert len(run.plans) == planned  # refused before planning


@pytest.mark.parametrize("stray", ["token.txt", "snapshot.json", "clear\x1b[2J\u202eme.txt"])
def test_a_file_no_run_writes_beside_the_records_is_refused_not_committed(
    run: Run, repo: ConfigRepo, stray: str
) -> None:
    """A token dropped in state/<env>/, or the snapshot replaced by a link to a file outside,
    was committed (and pushed) with a killed run's records (hostile review, 2026-12-07)."""
    assert run(commit=True) == ExitCode.OK
    kill_before_commit(run, repo, before_snapshot=False)
    target = repo.root / STATE / stray
    if stray != "snapshot.json":
        target.write_text("API_TOKEN=not-a-real-token-for-this-test\n", encoding="utf-8")
    else:
        outside = repo.root.parent / "elsewhere.json"
        outside.write_bytes(target.read_bytes())
        target.unlink()
        target.symlink_to(outside)
    head = git(repo.root, "rev-parse", "HEAD")
    with pytest.raises(ConfigError) as caught:
        run(commit=True)
    message = caught.value.message
    shown = {"clear\x1b[2J\u202eme.txt": "clear\\u001B[2J\\u202Eme.txt"}.get(stray, stray)
    assert "holds files no run writes" in message and shown in message
    # a name with an escape sequence or a bidi override is shown escaped, never as it is
    assert "\x1b" not in message and "\u202e" not in message
    assert git(repo.root, "rev-parse", "HEAD") == head
    assert "token" not in git(repo.root, "ls-files", "--", STATE)


def test_a_snapshot_temporary_file_is_removed_not_committed(run: Run, repo: ConfigRepo) -> None:
    assert run(commit=True) == ExitCode.OK
    kill_before_commit(run, repo, before_snapshot=False)
    (repo.root / STATE / ".snapshot.json.abc123.tmp").write_text('{"half": ', encoding="utf-8")

    assert run(commit=True) == ExitCode.OK
    assert status(repo.root) == ""
    assert ".tmp" not in git(repo.root, "ls-files", "--", STATE)


def test_without_commit_the_records_are_left_for_the_user(run: Run, repo: ConfigRepo) -> None:
    assert run(commit=True) == ExitCode.OK
    kill_before_commit(run, repo, before_snapshot=False)
    head = git(repo.root, "rev-parse", "HEAD")
    assert run() == ExitCode.OK
    assert git(repo.root, "rev-parse", "HEAD") == head


def test_a_refusal_changes_nothing_not_even_a_torn_line(run: Run, repo: ConfigRepo) -> None:
    assert run(commit=True) == ExitCode.OK
    kill_before_commit(run, repo, before_snapshot=False)
    path = repo.root / STATE / "audit.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[1:]) + '{"torn', encoding="utf-8")
    temp = repo.root / STATE / ".snapshot.json.x.tmp"
    temp.write_text("{", encoding="utf-8")
    before = path.read_bytes()

    with pytest.raises(ConfigError):
        run(commit=True)
    assert path.read_bytes() == before and temp.exists()
    assert not (repo.root / ".reconciler" / "torn").exists()
