"""The ``--state`` file: models survive a restart, and a crash never leaves a torn file.

Each save writes a temporary file next to the target, flushes it to disk and renames it over
the old one with ``os.replace``, which is atomic on POSIX and Windows. Timestamps are epoch
seconds, so a restarted server continues provisioning where the last one stopped.

``StateWriter`` coalesces concurrent saves: each change stages a numbered snapshot under the
store's lock, then waits outside it until a snapshot at least that new is on disk. Under load
one write covers many changes, and no answer is sent before its change is durable.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from reconciler.sandbox.lifecycle import Record
from reconciler.structs.errors import ConfigError
from reconciler.structs.redaction import redact_value

FORMAT_VERSION = 1


def load_state(path: Path) -> list[Record]:
    """The records of a state file; none if it does not exist yet."""
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("formatVersion") != FORMAT_VERSION:
            raise ValueError(f"formatVersion {data.get('formatVersion')!r} is not supported")
        return [Record.from_json(item) for item in data["models"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(
            f"sandbox state file {path} is unreadable: {exc}",
            hint="delete it to start with no models, or point --state at another file",
        ) from exc


class StateWriter:
    """Writes the newest staged snapshot; callers wait only until theirs is covered."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._staged: tuple[int, list[dict[str, Any]]] = (0, [])
        self._written = 0
        self._lock = threading.Lock()

    def stage(self, records: list[Record]) -> int:
        """Record a snapshot (call under the store's lock); returns its number."""
        number = self._staged[0] + 1
        self._staged = (number, [r.to_json() for r in records])
        return number

    def flush(self, number: int) -> None:
        """Return once snapshot ``number`` (or a newer one) is on disk."""
        with self._lock:
            if self._written >= number:
                return
            newest, items = self._staged
            save_state(self._path, items)
            self._written = newest


def save_state(path: Path, items: list[dict[str, Any]]) -> None:
    """Write all records atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(
        {"formatVersion": FORMAT_VERSION, "models": redact_value(items)},
        sort_keys=True,
    )
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
