"""Tamper evidence from git history, and from a key: what a consistent rewrite cannot hide.

Anyone who can push can rewrite ``audit.jsonl`` and ``snapshot.json`` so that they agree with
each other; ``audit verify`` alone then passes. ``--history`` compares every committed version
with the one before it, and ``RECONCILE_AUDIT_KEY`` makes entries unforgeable without the key.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.gitops.audit import AuditLog, payload_hash
from reconciler.gitops.canonical import canonical, rechain
from reconciler.gitops.history import verify_history
from reconciler.gitops.repo import commit_state
from reconciler.gitops.snapshot import write_snapshot
from reconciler.gitops.state import verify_environment
from tests.fixtures_gitops import append_entries, git

ENV = "staging"


def log_path(root: Path) -> Path:
    return root / "state" / ENV / "audit.jsonl"


def applied(root: Path, count: int, *, prefix: str) -> None:
    """What one apply leaves: entries, a snapshot anchored on them, a state commit."""
    append_entries(log_path(root), count, prefix=prefix)
    write_snapshot(
        root, ENV, models=[{"name": f"{prefix}0", "id": "x", "version": 1}], git_commit=None
    )
    commit_state(root, ENV, message=f"apply {prefix}")


@pytest.fixture
def history(gitops_repo: Path) -> Path:
    applied(gitops_repo, 2, prefix="a")
    applied(gitops_repo, 3, prefix="b")
    return gitops_repo


def forge_consistent(root: Path) -> None:
    """Rewrite one entry and re-chain everything after it, then re-anchor the snapshot: the
    pair verifies on its own."""
    lines = [json.loads(line) for line in log_path(root).read_text().splitlines()]
    lines[1]["model"] = "forged"
    forged = lines[:1] + rechain(lines[1:], lines[0]["hash"])
    log_path(root).write_text("".join(canonical(e) + "\n" for e in forged))
    snapshot = json.loads((root / "state" / ENV / "snapshot.json").read_text())
    snapshot["auditHead"] = {"entries": len(forged), "hash": forged[-1]["hash"]}
    (root / "state" / ENV / "snapshot.json").write_text(json.dumps(snapshot))


def test_an_honest_history_verifies(history: Path) -> None:
    verdict = verify_history(history, ENV)
    assert verdict.ok, verdict.reason
    assert verdict.entries == 5


def test_a_consistent_rewrite_passes_alone_but_not_against_history(history: Path) -> None:
    forge_consistent(history)
    assert verify_environment(history, ENV).ok  # the finding: the files agree with each other
    commit_state(history, ENV, message="innocent")
    verdict = verify_history(history, ENV)
    assert not verdict.ok
    assert "not an extension" in (verdict.reason or "")
    assert "line 2" in (verdict.reason or "")


def test_an_uncommitted_rewrite_is_caught_against_head(history: Path) -> None:
    forge_consistent(history)
    verdict = verify_history(history, ENV)
    assert not verdict.ok and "working tree" in (verdict.reason or "")


def test_deleting_both_files_is_caught(history: Path) -> None:
    log_path(history).unlink()
    (history / "state" / ENV / "snapshot.json").unlink()
    commit_state(history, ENV, message="cleanup")
    verdict = verify_history(history, ENV)
    assert not verdict.ok and "deleted" in (verdict.reason or "")


def test_a_serial_going_backwards_is_caught(history: Path) -> None:
    path = history / "state" / ENV / "snapshot.json"
    snapshot = json.loads(path.read_text())
    snapshot["serial"] = 1
    path.write_text(json.dumps(snapshot))
    commit_state(history, ENV, message="serial")
    verdict = verify_history(history, ENV)
    assert not verdict.ok and "serial" in (verdict.reason or "")


def test_a_snapshot_anchored_outside_its_log_is_caught(history: Path) -> None:
    path = history / "state" / ENV / "snapshot.json"
    snapshot = json.loads(path.read_text())
    snapshot["auditHead"] = {"entries": 5, "hash": "f" * 64}
    snapshot["serial"] += 1
    path.write_text(json.dumps(snapshot))
    commit_state(history, ENV, message="anchor")
    verdict = verify_history(history, ENV)
    assert not verdict.ok and "auditHead" in (verdict.reason or "")


def test_history_outside_a_repository_is_an_error(tmp_path: Path) -> None:
    append_entries(log_path(tmp_path), 1)
    verdict = verify_history(tmp_path, ENV)
    assert not verdict.ok and "git" in (verdict.reason or "")


def test_cli_history_flag(history: Path) -> None:
    ok = CliRunner().invoke(cli, ["audit", "verify", "--history", "--root", str(history)])
    assert ok.exit_code == 0, ok.output
    assert "history" in ok.output
    forge_consistent(history)
    commit_state(history, ENV, message="innocent")
    plain = CliRunner().invoke(cli, ["audit", "verify", "--root", str(history)])
    assert plain.exit_code == 0
    bad = CliRunner().invoke(cli, ["audit", "verify", "--history", "--root", str(history)])
    assert bad.exit_code == 1 and "not an extension" in bad.output
    assert git(history, "status", "--porcelain") == ""


def test_with_a_key_a_forged_entry_is_caught_without_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECONCILE_AUDIT_KEY", "team-secret-key-1")
    path = log_path(tmp_path)
    append_entries(path, 2)
    assert verify_environment(tmp_path, ENV).ok
    assert all("mac" in json.loads(line) for line in path.read_text().splitlines())
    monkeypatch.delenv("RECONCILE_AUDIT_KEY")
    AuditLog(path).append(  # written by someone without the key
        environment=ENV,
        action="MODEL_DELETED",
        model="m0",
        model_id="id-m0",
        payload_hash=payload_hash({}),
        actor="mallory",
        git_commit=None,
        correlation_id="x",
        result="ACCEPTED",
    )
    assert verify_environment(tmp_path, ENV).ok  # a chain alone cannot tell
    monkeypatch.setenv("RECONCILE_AUDIT_KEY", "team-secret-key-1")
    verdict = verify_environment(tmp_path, ENV)
    assert not verdict.ok and verdict.first_bad_line == 3
    assert "RECONCILE_AUDIT_KEY" in (verdict.reason or "")
    monkeypatch.setenv("RECONCILE_AUDIT_KEY", "another-key")
    assert verify_environment(tmp_path, ENV).first_bad_line == 1
    assert "team-secret-key-1" not in (verdict.reason or "")
