"""With RECONCILE_AUDIT_KEY the MAC covers the whole entry, ``prevHash`` included: deleting
entries and re-chaining the rest (which needs no key) no longer verifies, by ``verify`` or by
``--history``. Logs written before (MACs that leave ``prevHash`` out, no ``macVersion``) still
verify where that is safe: an entry with the whole-entry MAC after them seals them through the
chain; an older MAC after a whole-entry one is refused as a downgrade.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest

from reconciler.gitops.canonical import GENESIS, canonical, entry_hash, rechain
from reconciler.gitops.chain import verify_log
from reconciler.gitops.history import verify_history
from reconciler.gitops.merge import merge_audit
from reconciler.gitops.repo import commit_state
from tests.fixtures_gitops import append_entries, git, init_repo

KEY = b"team-secret-key-1"
ENV = "staging"


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILE_AUDIT_KEY", KEY.decode())


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write(path: Path, entries: list[dict[str, Any]]) -> None:
    path.write_text("".join(canonical(e) + "\n" for e in entries), encoding="utf-8")


def delete_and_rechain(path: Path, index: int) -> None:
    """What someone without the key can do: drop an entry, re-link the rest, keep the MACs."""
    entries = read(path)
    kept = entries[:index] + entries[index + 1 :]
    prev = kept[index - 1]["hash"] if index else GENESIS
    write(path, kept[:index] + _relink(kept[index:], prev))


def _relink(entries: list[dict[str, Any]], prev: str) -> list[dict[str, Any]]:
    out = []
    for entry in entries:
        linked = {**entry, "prevHash": prev}
        linked["hash"] = entry_hash(linked)
        out.append(linked)
        prev = linked["hash"]
    return out


def legacy(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same entries as an older release wrote them: a MAC without prevHash."""
    out, prev = [], GENESIS
    for entry in entries:
        plain = {k: v for k, v in entry.items() if k not in ("mac", "macVersion", "hash")}
        content = {k: v for k, v in plain.items() if k != "prevHash"}
        plain["mac"] = hmac.new(KEY, canonical(content).encode(), hashlib.sha256).hexdigest()
        plain["prevHash"] = prev
        plain["hash"] = entry_hash(plain)
        out.append(plain)
        prev = plain["hash"]
    return out


def test_deleting_an_entry_and_rechaining_fails_with_the_key(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    append_entries(path, 5)
    assert verify_log(path, key=KEY).ok
    delete_and_rechain(path, 2)
    assert verify_log(path).ok  # the chain alone is fooled
    verdict = verify_log(path, key=KEY)
    assert not verdict.ok and verdict.first_bad_line == 3
    assert "mac" in (verdict.reason or "")


def test_history_with_the_key_catches_a_rewritten_and_recommitted_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = init_repo(tmp_path / "config")
    path = root / "state" / ENV / "audit.jsonl"
    append_entries(path, 4)
    git(root, "add", "state")
    git(root, "commit", "--quiet", "-m", "log")
    delete_and_rechain(path, 1)
    git(root, "commit", "--quiet", "--amend", "-a", "--no-edit")  # history rewritten too
    monkeypatch.delenv("RECONCILE_AUDIT_KEY")
    assert verify_history(root, ENV).ok  # the rewrite is consistent: only the key can tell
    monkeypatch.setenv("RECONCILE_AUDIT_KEY", KEY.decode())
    assert not verify_history(root, ENV).ok


def test_an_older_log_verifies_and_is_sealed_by_the_next_keyed_entry(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    append_entries(path, 4)
    write(path, legacy(read(path)))
    verdict = verify_log(path, key=KEY)
    assert verdict.ok and "4 entries" in (verdict.note or "")
    append_entries(path, 1, prefix="new")
    assert read(path)[-1]["macVersion"] == 2
    sealed = verify_log(path, key=KEY)
    assert sealed.ok and sealed.note is None
    delete_and_rechain(path, 1)  # an old entry removed: the sealing entry's MAC breaks
    assert not verify_log(path, key=KEY).ok


def test_an_older_mac_after_a_whole_entry_mac_is_a_downgrade(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    append_entries(path, 3)
    entries = read(path)
    write(path, entries[:2] + _relink(legacy(entries)[2:], entries[1]["hash"]))
    verdict = verify_log(path, key=KEY)
    assert not verdict.ok and verdict.first_bad_line == 3


def test_a_rebase_re_signs_our_entries_so_the_merged_log_verifies(tmp_path: Path) -> None:
    base, ours = tmp_path / "base.jsonl", tmp_path / "ours.jsonl"
    append_entries(base, 2, prefix="up")
    ours.write_bytes(base.read_bytes())
    append_entries(ours, 2, prefix="mine")
    theirs = tmp_path / "theirs.jsonl"
    theirs.write_bytes(base.read_bytes())
    append_entries(theirs, 1, prefix="other")
    merged = tmp_path / "merged.jsonl"
    merged.write_text(
        merge_audit(upstream=theirs.read_text(), ours=ours.read_text()), encoding="utf-8"
    )
    assert verify_log(merged, key=KEY).ok


def test_re_chaining_a_whole_entry_mac_without_the_key_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "audit.jsonl"
    append_entries(path, 2)
    monkeypatch.delenv("RECONCILE_AUDIT_KEY")
    with pytest.raises(Exception, match="RECONCILE_AUDIT_KEY"):
        rechain(read(path), GENESIS)


def test_commit_state_is_unaffected(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "config")
    append_entries(root / "state" / ENV / "audit.jsonl", 1)
    assert commit_state(root, ENV, message="state")
