"""Every kind of tampering with an audit log is caught, at the first bad line, with a reason."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.gitops.audit import verify_log
from reconciler.gitops.canonical import canonical, entry_hash
from tests.fixtures_gitops import append_entries

Lines = list[str]


def _edit_field(lines: Lines) -> Lines:
    lines[2] = lines[2].replace('"result":"ACTIVE"', '"result":"ACTIVF"')
    return lines


def _change_hash(lines: Lines) -> Lines:
    entry = json.loads(lines[2])
    entry["hash"] = ("0" if entry["hash"][0] != "0" else "1") + entry["hash"][1:]
    lines[2] = canonical(entry)
    return lines


def _delete_line(lines: Lines) -> Lines:
    del lines[2]
    return lines


def _delete_first_line(lines: Lines) -> Lines:
    return lines[1:]


def _swap_lines(lines: Lines) -> Lines:
    lines[1], lines[2] = lines[2], lines[1]
    return lines


def _forged(lines: Lines, *, linked: bool) -> Lines:
    """A new entry with a correct own hash, linked (or not) to the line before it."""
    entry = json.loads(lines[1])
    entry.update(
        auditId="4f1b6a57-1c1e-4c4e-9a0b-000000000000", model="forged", action="MODEL_DELETED"
    )
    if linked:
        entry["prevHash"] = json.loads(lines[1])["hash"]
    entry["hash"] = entry_hash(entry)
    return [*lines[:2], canonical(entry), *lines[2:]]


def _reformat(lines: Lines) -> Lines:
    lines[2] = json.dumps(json.loads(lines[2]), sort_keys=True)  # same value, spaces added
    return lines


def _replay(lines: Lines) -> Lines:
    return [*lines, lines[0]]


def _blank_line(lines: Lines) -> Lines:
    return [*lines[:2], "", *lines[2:]]


def _drop_field(lines: Lines) -> Lines:
    entry = json.loads(lines[2])
    del entry["actor"]
    entry["hash"] = entry_hash(entry)
    lines[2] = canonical(entry)
    return lines


CASES: list[tuple[str, Callable[[Lines], Lines], int, str]] = [
    ("edited field", _edit_field, 3, "hash does not match"),
    ("changed hash", _change_hash, 3, "hash does not match"),
    ("deleted line", _delete_line, 3, "prevHash does not match the hash of line 2"),
    ("deleted first line", _delete_first_line, 1, "genesis"),
    ("swapped lines", _swap_lines, 2, "prevHash does not match"),
    ("inserted, unlinked", lambda ls: _forged(ls, linked=False), 3, "prevHash does not match"),
    ("inserted, linked", lambda ls: _forged(ls, linked=True), 4, "prevHash does not match"),
    ("reformatted line", _reformat, 3, "canonical"),
    ("replayed entry", _replay, 6, "prevHash does not match"),
    ("blank line", _blank_line, 3, "not valid JSON"),
    ("dropped field", _drop_field, 3, "missing actor"),
]


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "audit.jsonl"
    append_entries(path, 5)
    assert verify_log(path).ok
    return path


@pytest.mark.parametrize(
    ("tamper", "line", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_tampering_is_caught_at_the_first_bad_line(
    log: Path, tamper: Callable[[Lines], Lines], line: int, reason: str
) -> None:
    lines = tamper(log.read_text(encoding="utf-8").splitlines())
    log.write_text("".join(f"{x}\n" for x in lines), encoding="utf-8")
    verdict = verify_log(log)
    assert not verdict.ok and not verdict.torn
    assert verdict.first_bad_line == line, verdict
    assert reason in (verdict.reason or ""), verdict.reason
    assert verdict.entries == line - 1


def test_truncated_tail_is_reported_as_a_torn_write(log: Path) -> None:
    data = log.read_bytes()
    log.write_bytes(data[: len(data) - 30])
    verdict = verify_log(log)
    assert (verdict.ok, verdict.torn) == (False, True)
    assert (verdict.first_bad_line, verdict.entries) == (5, 4)
    assert "torn write" in (verdict.reason or "")


def test_every_single_byte_edit_is_detected(log: Path) -> None:
    original = log.read_bytes()
    for index in range(len(original)):
        edited = bytearray(original)
        edited[index] ^= 0x01
        log.write_bytes(bytes(edited))
        assert not verify_log(log).ok, f"flipping byte {index} went unnoticed"


def test_missing_and_empty_logs_are_valid_and_empty(tmp_path: Path) -> None:
    assert verify_log(tmp_path / "absent.jsonl").entries == 0
    (tmp_path / "empty.jsonl").write_bytes(b"")
    assert verify_log(tmp_path / "empty.jsonl").ok
