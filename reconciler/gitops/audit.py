"""The append-only, hash-chained audit log ``state/<env>/audit.jsonl`` (CONTRACT section 5).

One canonical JSON object per line. ``hash`` is sha256 of the canonical JSON of the entry
without ``hash`` (see ``canonical.entry_hash``); ``prevHash`` is the previous line's ``hash``,
or 64 zeros for the first entry. Each append takes an exclusive lock on the file, reads the
last hash from disk (so several writers, threads or processes, always chain correctly), writes
the whole line in one call, and flushes and fsyncs before returning: an entry that was
returned is on disk, and a crash can at worst leave one torn last line, which ``verify_log``
reports as such and which this class refuses to append after.
"""

from __future__ import annotations

import fcntl
import getpass
import json
import os
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reconciler.gitops.canonical import (
    ACTIONS,
    GENESIS,
    audit_key,
    canonical,
    entry_hash,
    sha256_hex,
    sign,
    without_secrets,
)
from reconciler.gitops.chain import AuditVerdict, newest_lines, verify_log
from reconciler.gitops.git import find
from reconciler.structs.errors import ConfigError, ReconcileError
from reconciler.structs.redaction import redact_value

__all__ = ["AuditLog", "AuditVerdict", "default_actor", "payload_hash", "verify_log"]


def payload_hash(spec: Mapping[str, Any]) -> str:
    """sha256 hex of the canonical redacted spec; secret fields are dropped before hashing."""
    return sha256_hex(canonical(without_secrets(spec)))


def default_actor(root: Path | None = None, *, environ: Mapping[str, str] | None = None) -> str:
    """Who is acting: GITHUB_ACTOR in Actions, else git user.name, else the login name.

    ``user.name`` is read as git sees it in the repository holding ``root`` (the config repo,
    which ``--root`` may put anywhere), not in the process's current folder; callers pass it,
    and only an old caller that does not falls back to the current folder. Only a name is
    recorded: an e-mail address is cut to its local part.
    """
    env = os.environ if environ is None else environ
    actor = env.get("GITHUB_ACTOR") or _git_user_name(root) or env.get("USER") or _login()
    return actor.split("@", 1)[0] or "unknown"


def _git_user_name(root: Path | None) -> str:
    """``user.name`` from every config level git reads for ``root``'s repository, or ''."""
    try:
        repo = find(root if root is not None else Path.cwd())
    except (ReconcileError, OSError):
        return ""  # best effort: the run names itself by $USER instead
    return repo.config("user.name") if repo is not None else ""


def _login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


class AuditLog:
    """Appends entries to one audit file; safe to share between threads and processes."""

    def __init__(
        self,
        path: Path,
        *,
        clock: Callable[[], datetime] | None = None,
        key: bytes | None = None,
    ) -> None:
        self.path = path
        self._clock = clock or (lambda: datetime.now(UTC))
        self._key = key if key is not None else audit_key()
        if path.exists():
            with path.open("rb") as handle:
                _last_hash(handle, path)  # fail before any mutation, not after the first

    def append(
        self,
        *,
        environment: str,
        action: str,
        model: str,
        model_id: str | None,
        payload_hash: str,
        actor: str,
        git_commit: str | None,
        correlation_id: str,
        api_version: str = "v2",
        result: str,
    ) -> dict[str, Any]:
        """Chain, write and fsync one entry; returns it as written."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        entry: dict[str, Any] = {
            "auditId": str(uuid.uuid4()),
            "timestamp": self._timestamp(),
            "environment": environment,
            "action": action,
            "model": model,
            "modelId": model_id,
            "payloadHash": payload_hash,
            "actor": actor,
            "gitCommit": git_commit,
            "correlationId": correlation_id,
            "apiVersion": api_version,
            "result": result,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        with self.path.open("a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            entry = redact_value(entry)  # before hashing, so the chain covers what is written
            entry["prevHash"] = _last_hash(handle, self.path)
            if self._key is not None:
                sign(entry, self._key)
            entry["hash"] = entry_hash(entry)
            handle.write((canonical(entry) + "\n").encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if created:
            _fsync_dir(self.path.parent)
        return entry

    def withdraw(self, correlation_id: str) -> int:
        """Remove the trailing entries of ``correlation_id`` (a run's own intents, when the API
        refused its first write: nothing happened, so nothing is left on record); returns how
        many. Entries of anyone else, or before them, are never touched."""
        if not self.path.exists():
            return 0
        with self.path.open("r+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            lines = handle.read().splitlines(keepends=True)
            keep = len(lines)
            while keep and _correlation(lines[keep - 1]) == correlation_id:
                keep -= 1
            handle.truncate(sum(len(line) for line in lines[:keep]))
            handle.flush()
            os.fsync(handle.fileno())
        if keep == 0:  # the run created the log: leave no trace of it, folders included
            self.path.unlink()
            for folder in (self.path.parent, self.path.parent.parent):
                if folder.name and not any(folder.iterdir()):
                    folder.rmdir()
        return len(lines) - keep

    def _timestamp(self) -> str:
        now = self._clock().astimezone(UTC)
        return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _last_hash(handle: Any, path: Path) -> str:
    """The hash to chain on: the last complete line's, or GENESIS for an empty file."""
    size = handle.seek(0, os.SEEK_END)
    if size == 0:
        return GENESIS
    handle.seek(size - 1)
    if handle.read(1) != b"\n":
        raise ConfigError(
            f"{path}: the last line is incomplete (a crash while appending); nothing was changed",
            hint="run 'reconcile audit verify', compare with the git history, remove the torn "
            "line and run again",
        )
    last = next(newest_lines(handle), b"")
    try:
        entry = json.loads(last.decode("utf-8"))
        if entry_hash(entry) == entry["hash"]:
            return str(entry["hash"])
    except (ValueError, TypeError, KeyError, AttributeError):
        pass
    raise ConfigError(
        f"{path}: the last entry is damaged, so new entries cannot be chained",
        hint="run 'reconcile audit verify' and restore the file from git",
    )


def _correlation(line: bytes) -> str | None:
    try:
        entry = json.loads(line.decode("utf-8"))
    except ValueError:
        return None
    return str(entry.get("correlationId")) if isinstance(entry, dict) else None


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
