"""The merge rules for state files, on their own and through the git merge driver."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from reconciler.gitops.audit import verify_log
from reconciler.gitops.merge import merge_audit, merge_snapshot, resolve
from reconciler.gitops.mergedriver import main as driver
from reconciler.gitops.snapshot import write_snapshot
from tests.fixtures_gitops import append_entries


def _snapshot(root: Path, *, serials: int, when: datetime, name: str) -> str:
    for _ in range(serials):
        write_snapshot(root, "dev", models=[{"name": name}], git_commit=name, clock=lambda: when)
    return (root / "state" / "dev" / "snapshot.json").read_text()


def test_snapshot_tie_keeps_ours_and_serial_passes_upstream(
    tmp_path: Path, gitops_time: datetime
) -> None:
    upstream = _snapshot(tmp_path / "u", serials=3, when=gitops_time, name="up")
    ours = _snapshot(tmp_path / "o", serials=1, when=gitops_time, name="ours")
    merged = json.loads(merge_snapshot(upstream=upstream, ours=ours, source="s"))
    assert (merged["serial"], merged["gitCommit"]) == (4, "ours")
    older = _snapshot(tmp_path / "x", serials=5, when=gitops_time - timedelta(days=1), name="x")
    merged = json.loads(merge_snapshot(upstream=upstream, ours=older, source="s"))
    assert (merged["serial"], merged["gitCommit"]) == (5, "up")
    assert merge_snapshot(upstream="", ours=ours, source="s") == ours


def test_audit_merge_keeps_upstream_bytes_and_appends_only_new_entries(tmp_path: Path) -> None:
    append_entries(tmp_path / "up.jsonl", 2, prefix="u")
    append_entries(tmp_path / "ours.jsonl", 3, prefix="o")
    upstream = (tmp_path / "up.jsonl").read_text()
    ours = (tmp_path / "ours.jsonl").read_text()
    merged = merge_audit(upstream=upstream, ours=upstream + ours)  # ours already had theirs
    assert merged.startswith(upstream) and merged.count("\n") == 5
    (tmp_path / "merged.jsonl").write_text(merged)
    assert verify_log(tmp_path / "merged.jsonl").entries == 5
    assert merge_audit(upstream="", ours=ours) == ours


def test_driver_resolves_state_files_and_refuses_others(tmp_path: Path) -> None:
    append_entries(tmp_path / "current", 1, prefix="u")
    append_entries(tmp_path / "other", 1, prefix="o")
    args = [str(tmp_path / n) for n in ("base", "current", "other")]
    assert driver([*args, "state/dev/audit.jsonl"]) == 0
    assert verify_log(tmp_path / "current").entries == 2
    assert driver([*args, "environments/dev/models/a.yaml"]) == 1
    assert resolve("environments/dev/models/a.yaml", upstream="", ours="") is None
