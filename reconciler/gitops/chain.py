"""Verifying an audit log: every line canonical, self-hashed, and linked to the one before.

What each check catches: an edited field changes the entry's hash; an edited ``hash`` no
longer matches the content; a deleted, inserted or reordered line breaks the ``prevHash`` link
of the line after it (or of the moved line itself); reformatting a line without changing its
value fails the canonical-bytes check. A forged line inserted with a correct own hash and a
correct link to its predecessor is caught on the *next* line, whose link it cannot fix without
rewriting every later entry. Deleting entries from the very end leaves a shorter valid chain;
the snapshot's anchor (``anchor``, checked by ``state.verify_environment``) catches that.
Appending forged entries at the very end is outside what a chain alone can detect; the git
history of the file is the witness for that (``history``), and so is a key: with
``RECONCILE_AUDIT_KEY`` set every entry carries a MAC (``canonical.entry_mac``) that only a
holder of the key can compute, over the whole entry with its ``prevHash``, so removing entries
and re-linking the rest fails too.

Entries written before that (no ``macVersion``) carry a MAC that leaves ``prevHash`` out. They
still verify, because the first whole-entry MAC after them covers them through the chain
(its prevHash is the hash of the entry before, which covers that entry's prevHash, and so on);
such an entry after a whole-entry one is a downgrade and fails. Older entries at the end, with
no whole-entry MAC after them yet, verify with a ``note`` saying they are not sealed: the next
entry written with the key seals them.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from reconciler.gitops.canonical import (
    ACTIONS,
    AUDIT_KEY_VARIABLE,
    FIELDS,
    GENESIS,
    MAC_VERSION,
    OPTIONAL_FIELDS,
    canonical,
    entry_hash,
    entry_mac,
    legacy_mac,
)
from reconciler.structs.paths import inside_root, state_path

_HEX64 = re.compile(r"\A[0-9a-f]{64}\Z")


def audit_path(root: Path, env: str) -> Path:
    """``state/<env>/audit.jsonl``; a ConfigError when it resolves outside ``root`` or any part
    of it is a symlink."""
    return inside_root(root, state_path(root, env, "audit.jsonl"))


TAIL_BLOCK = 64 * 1024


def newest_lines(handle: IO[bytes], *, block: int = TAIL_BLOCK) -> Iterator[bytes]:
    """The non-empty lines of an open file, the last first, read backwards ``block`` bytes at
    a time: the log only grows (an entry per change applied, for years), and a page of its
    newest entries should cost a block or two, not the whole file."""
    end = handle.seek(0, os.SEEK_END)
    rest = b""
    while end > 0:
        start = max(0, end - block)
        handle.seek(start)
        lines = (handle.read(end - start) + rest).split(b"\n")
        rest = lines.pop(0)  # maybe the end of a line that starts in the block before
        end = start
        yield from (line for line in reversed(lines) if line)
    if rest:
        yield rest


@dataclass(frozen=True)
class AuditVerdict:
    """Result of a verification; ``entries`` counts the lines that verified before any failure."""

    ok: bool
    entries: int
    first_bad_line: int | None = None
    reason: str | None = None
    torn: bool = False
    note: str | None = None  # a passing log's caveat (older MACs not yet sealed)


def verify_log(path: Path, *, key: bytes | None = None) -> AuditVerdict:
    """Check the whole chain of ``path``; a missing or empty file is a valid, empty log.
    With ``key``, every entry must also carry its MAC under that key."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return AuditVerdict(ok=True, entries=0)
    return verify_bytes(data, key=key)


def verify_bytes(data: bytes, *, key: bytes | None = None) -> AuditVerdict:
    """``verify_log`` of a log's content (also a version read from git history)."""
    lines = data.split(b"\n")
    complete = lines[:-1]
    prev, seen, macs = GENESIS, dict[str, int](), _Macs()
    for number, raw in enumerate(complete, start=1):
        entry, reason = _check_line(raw, number=number, prev=prev, seen=seen)
        if reason is None and key is not None:
            reason = macs.check(entry, key, number=number)
        if reason is not None:
            return AuditVerdict(ok=False, entries=number - 1, first_bad_line=number, reason=reason)
        prev = entry["hash"]
        seen[entry["auditId"]] = number
    if lines[-1]:
        number = len(complete) + 1
        reason = (
            f"torn write: line {number} is incomplete (no line end), as left by a crash "
            "while appending; check it against the git history and remove it"
        )
        return AuditVerdict(
            ok=False, entries=len(complete), first_bad_line=number, reason=reason, torn=True
        )
    return AuditVerdict(ok=True, entries=len(complete), note=macs.unsealed_note())


def _check_line(
    raw: bytes, *, number: int, prev: str, seen: dict[str, int]
) -> tuple[dict[str, Any], str | None]:
    entry, reason = _parse(raw)
    if reason is not None:
        return entry, reason
    if raw.decode("utf-8") != canonical(entry):
        return entry, "the line is not in canonical form: it was edited or reformatted"
    if entry_hash(entry) != entry["hash"]:
        return entry, "hash does not match the entry's content: the entry was edited"
    if entry["prevHash"] != prev:
        if number == 1:
            return entry, (
                "prevHash is not the genesis value: entries before this one were "
                "removed, or lines were moved"
            )
        return entry, (
            f"prevHash does not match the hash of line {number - 1}: an entry was "
            "deleted, inserted or reordered here"
        )
    if entry["auditId"] in seen:
        return entry, f"auditId repeats line {seen[entry['auditId']]}: a replayed entry"
    if entry["action"] not in ACTIONS:
        return entry, f"unknown action {entry['action']!r}"
    return entry, None


class _Macs:
    """The MAC check of each line in order, remembering older MACs not sealed yet."""

    def __init__(self) -> None:
        self.whole_seen = False
        self.unsealed: list[int] = []

    def check(self, entry: dict[str, Any], key: bytes, *, number: int) -> str | None:
        if "mac" not in entry:
            return (
                f"the entry has no mac although {AUDIT_KEY_VARIABLE} is set: it was written "
                "without the key (forged, or before the key was adopted)"
            )
        whole = entry.get("macVersion") == MAC_VERSION
        if not whole and self.whole_seen:
            return (
                "the entry carries the older MAC, which leaves prevHash out, after entries "
                "with the whole-entry MAC: a downgrade, so it was forged or re-chained"
            )
        expected = entry_mac(entry, key) if whole else legacy_mac(entry, key)
        if entry["mac"] != expected:
            return (
                f"the entry's mac does not match under {AUDIT_KEY_VARIABLE}: it was forged, "
                "re-chained, or written with another key"
            )
        self.whole_seen |= whole
        self.unsealed = [] if whole else [*self.unsealed, number]
        return None

    def unsealed_note(self) -> str | None:
        if not self.unsealed:
            return None
        first, last, count = self.unsealed[0], self.unsealed[-1], len(self.unsealed)
        return (
            f"the last {count} entries (lines {first}-{last}) carry the older MAC, which does "
            "not cover prevHash, so removing some of them and re-linking the rest would pass; "
            "the next entry written with the key seals them"
        )


def _parse(raw: bytes) -> tuple[dict[str, Any], str | None]:
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return {}, "the line is not UTF-8"
    except json.JSONDecodeError as exc:
        return {}, f"the line is not valid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(value, dict):
        return {}, "the line is not a JSON object"
    missing = [f for f in FIELDS if f not in value]
    extra = sorted(set(value) - set(FIELDS) - set(OPTIONAL_FIELDS))
    if missing or extra:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"unexpected {', '.join(extra)}"] if extra else []
        )
        return value, f"the entry's fields are wrong: {'; '.join(parts)}"
    for field in ("hash", "prevHash", *(["mac"] if "mac" in value else [])):
        if not isinstance(value[field], str) or not _HEX64.match(value[field]):
            return value, f"{field} is not 64 lowercase hex digits"
    if "macVersion" in value and value["macVersion"] != MAC_VERSION:
        return value, f"macVersion is not {MAC_VERSION}"
    if not isinstance(value["auditId"], str):
        return value, "auditId is not a string"
    return value, None
