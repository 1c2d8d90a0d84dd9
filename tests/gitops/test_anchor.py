"""The snapshot anchors the audit log's head: deleting its last entries is caught."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.gitops.snapshot import read_snapshot, write_snapshot
from reconciler.gitops.state import verify_environment
from reconciler.structs.errors import ConfigError
from tests.fixtures_gitops import append_entries, write


def _applied(root: Path, entries: int = 3) -> Path:
    """An environment after one apply: ``entries`` audit lines, then the snapshot."""
    log = root / "state" / "dev" / "audit.jsonl"
    append_entries(log, entries, env="dev")
    write_snapshot(root, "dev", models=[], git_commit=None)
    return log


def _lines(log: Path) -> list[str]:
    return log.read_text().splitlines(keepends=True)


def test_snapshot_records_the_head_it_saw(tmp_path: Path) -> None:
    log = _applied(tmp_path)
    last = json.loads(_lines(log)[-1])
    data = json.loads((tmp_path / "state" / "dev" / "snapshot.json").read_text())
    assert data["auditHead"] == {"entries": 3, "hash": last["hash"]}
    snapshot = read_snapshot(tmp_path, "dev")
    assert snapshot is not None and snapshot.audit_head is not None
    assert snapshot.audit_head.entries == 3
    assert verify_environment(tmp_path, "dev").ok


def test_deleting_the_last_line_fails_naming_it(tmp_path: Path) -> None:
    log = _applied(tmp_path)
    log.write_text("".join(_lines(log)[:-1]))
    verdict = verify_environment(tmp_path, "dev")
    assert (verdict.ok, verdict.first_bad_line, verdict.entries) == (False, 3, 2)
    assert "line 3 was deleted" in str(verdict.reason)


def test_deleting_several_last_lines_names_the_range(tmp_path: Path) -> None:
    log = _applied(tmp_path, entries=4)
    log.write_text("".join(_lines(log)[:1]))
    verdict = verify_environment(tmp_path, "dev")
    assert not verdict.ok and "line 2-4 was deleted" in str(verdict.reason)


def test_entries_appended_after_the_snapshot_are_fine(tmp_path: Path) -> None:
    log = _applied(tmp_path)
    append_entries(log, 2, env="dev", prefix="drift")
    verdict = verify_environment(tmp_path, "dev")
    assert verdict.ok and verdict.entries == 5


def test_a_replaced_log_of_the_same_length_fails_at_the_anchor(tmp_path: Path) -> None:
    log = _applied(tmp_path)
    log.unlink()
    append_entries(log, 4, env="dev", prefix="forged")  # a valid chain, but not the same one
    verdict = verify_environment(tmp_path, "dev")
    assert (verdict.ok, verdict.first_bad_line) == (False, 3)
    assert "rewritten or replaced" in str(verdict.reason)


def test_delete_last_line_and_append_a_new_one_still_fails(tmp_path: Path) -> None:
    log = _applied(tmp_path)
    log.write_text("".join(_lines(log)[:-1]))
    append_entries(log, 1, env="dev", prefix="new")
    verdict = verify_environment(tmp_path, "dev")
    assert (verdict.ok, verdict.first_bad_line) == (False, 3)


def test_a_snapshot_written_before_any_log_records_null(tmp_path: Path) -> None:
    write_snapshot(tmp_path, "dev", models=[], git_commit=None)
    data = json.loads((tmp_path / "state" / "dev" / "snapshot.json").read_text())
    assert data["auditHead"] is None
    append_entries(tmp_path / "state" / "dev" / "audit.jsonl", 1, env="dev")
    assert verify_environment(tmp_path, "dev").ok


def test_an_old_snapshot_without_an_anchor_only_checks_the_chain(tmp_path: Path) -> None:
    log = _applied(tmp_path)
    path = tmp_path / "state" / "dev" / "snapshot.json"
    data = json.loads(path.read_text())
    del data["auditHead"]
    path.write_text(json.dumps(data))
    log.write_text("".join(_lines(log)[:-1]))
    assert verify_environment(tmp_path, "dev").ok


def test_a_malformed_anchor_fails_verification_and_blocks_the_next_snapshot(
    tmp_path: Path,
) -> None:
    _applied(tmp_path)
    path = tmp_path / "state" / "dev" / "snapshot.json"
    data = json.loads(path.read_text())
    data["auditHead"] = {"entries": "three", "hash": "x"}
    path.write_text(json.dumps(data))
    verdict = verify_environment(tmp_path, "dev")
    assert not verdict.ok and "auditHead must be" in str(verdict.reason)
    with pytest.raises(ConfigError, match="auditHead"):
        write_snapshot(tmp_path, "dev", models=[], git_commit=None)


def test_a_damaged_last_line_cannot_be_anchored(tmp_path: Path) -> None:
    write(tmp_path / "state" / "dev" / "audit.jsonl", "not json\n")
    with pytest.raises(ConfigError, match="line 1 is damaged"):
        write_snapshot(tmp_path, "dev", models=[], git_commit=None)
    assert not (tmp_path / "state" / "dev" / "snapshot.json").exists()
