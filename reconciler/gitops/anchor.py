"""The snapshot's anchor on the audit log: how many entries it had, and the last one's hash.

A hash chain proves each entry is linked to the one before it, but not that the last entries
are still there: deleting lines from the end leaves a valid, shorter chain. The snapshot, written
after every apply, records the log's head at that moment (``auditHead``); a log that is now
shorter, or whose entry at that line has another hash, lost or rewrote entries the snapshot saw.
Entries appended after the snapshot (DRIFT_DETECTED, the next apply's) lie beyond the anchor and
are fine.
"""

from __future__ import annotations

import collections
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.gitops.chain import AuditVerdict
from reconciler.structs.errors import ConfigError


@dataclass(frozen=True)
class AuditHead:
    """Line count and last hash of an audit log when a snapshot was written."""

    entries: int
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {"entries": self.entries, "hash": self.hash}


def head_from_json(value: Any, *, source: str) -> AuditHead | None:
    """The ``auditHead`` field of a snapshot; None when absent or null (no log at the time)."""
    if value is None:
        return None
    entries = value.get("entries") if isinstance(value, dict) else None
    digest = value.get("hash") if isinstance(value, dict) else None
    if type(entries) is not int or entries < 1 or not isinstance(digest, str):
        raise ConfigError(
            f"{source}: auditHead must be null or {{entries: a count >= 1, hash: a string}}",
            hint="restore the file from git history",
        )
    return AuditHead(entries=entries, hash=digest)


def read_head(path: Path) -> AuditHead | None:
    """The head of the log on disk now; None when there is no log or it holds no entry."""
    last = collections.deque(_lines(path), maxlen=1)
    if not last:
        return None
    number, raw = last[0]
    entry = _parsed(raw)
    if entry is None or not isinstance(entry.get("hash"), str):
        raise ConfigError(
            f"{path} line {number} is damaged, so the snapshot cannot record the log's head",
            hint="run 'reconcile audit verify' and restore the log from the git history",
        )
    return AuditHead(entries=number, hash=entry["hash"])


def entry_at(path: Path, line: int) -> dict[str, Any] | None:
    """The parsed entry on complete line ``line`` (1-based), or None."""
    return next((_parsed(raw) for number, raw in _lines(path) if number == line), None)


def find_entry(path: Path, audit_id: str) -> AuditHead | None:
    """Where the entry with ``audit_id`` is now: its line and hash."""
    wanted = audit_id.encode("utf-8", "surrogatepass")  # an id read from a damaged line
    for number, raw in _lines(path):
        if wanted not in raw:  # parse only the lines that could be it
            continue
        entry = _parsed(raw)
        if entry is not None and entry.get("auditId") == audit_id:
            return AuditHead(entries=number, hash=str(entry.get("hash")))
    return None


def check_anchor(path: Path, head: AuditHead, *, entries: int) -> AuditVerdict | None:
    """A failed verdict when a chain-valid log of ``entries`` lines lost the anchored head."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    return check_anchor_in(data, head, entries=entries)


def check_anchor_in(data: bytes, head: AuditHead, *, entries: int) -> AuditVerdict | None:
    """``check_anchor`` of a log's content (also a version read from git history)."""
    if entries < head.entries:
        missing = f"line {entries + 1}" + (f"-{head.entries}" if head.entries > entries + 1 else "")
        return AuditVerdict(
            ok=False,
            entries=entries,
            first_bad_line=entries + 1,
            reason=f"the log ends at line {entries} but snapshot.json records {head.entries} "
            f"entries: {missing} was deleted; restore the log from the git history",
        )
    lines = _numbered(data.splitlines(keepends=True))
    found = next((_parsed(raw) for number, raw in lines if number == head.entries), None)
    if found is None or found.get("hash") != head.hash:
        return AuditVerdict(
            ok=False,
            entries=head.entries - 1,
            first_bad_line=head.entries,
            reason=f"line {head.entries} is not the entry snapshot.json records as the log's "
            f"head (hash {head.hash[:12]}): the log was rewritten or replaced up to here",
        )
    return None


def entries_after(path: Path, line: int) -> Iterator[dict[str, Any]]:
    """The parsed entries after complete line ``line`` (0 for all of them).

    Lines up to ``line`` are counted, not parsed: the sync agent asks for the entries after
    the snapshot's anchor every round, and a log grows for as long as the environment lives
    (parsing it whole made a round of a 6-hour soak 50% slower than the first)."""
    for number, raw in _lines(path):
        if number > line and (entry := _parsed(raw)) is not None:
            yield entry


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Complete lines, numbered from 1, unparsed: callers parse only the lines they need, since
    a log grows for as long as its environment lives."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return
    with handle:
        yield from _numbered(handle)


def _numbered(lines: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    for number, raw in enumerate(lines, start=1):
        if not raw.endswith(b"\n"):
            return  # a torn last line is not an entry
        yield number, raw


def _parsed(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw.decode("utf-8"))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
