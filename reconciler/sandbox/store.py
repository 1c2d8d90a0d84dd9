"""The models the sandbox holds: one lock, lazy lifecycle, optional persistence.

All reads and writes take one lock, which makes names unique and versions strictly increasing
under any number of concurrent clients; the work under it is tiny dict operations. With a state
file, each change stages a snapshot under the lock and is written after it (coalesced), so a
slow disk never blocks readers.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reconciler.sandbox.bodies import ModelWrite
from reconciler.sandbox.clock import Clock
from reconciler.sandbox.errors import ApiError, not_found
from reconciler.sandbox.lifecycle import Record, key_rejection
from reconciler.sandbox.persistence import StateWriter, load_state
from reconciler.sandbox.rules import check_name, check_update
from reconciler.sandbox.settings import SandboxSettings


class ModelStore:
    """Create, read, update and delete models by the platform's rules."""

    def __init__(self, settings: SandboxSettings, *, clock: Clock) -> None:
        self._settings = settings
        self._clock = clock
        self._random = random.Random(settings.seed)
        self._lock = threading.Lock()
        path = settings.state_file
        self._writer = StateWriter(path) if path else None
        self._records = {r.id: r for r in (load_state(path) if path else [])}
        self._seq = max((r.seq for r in self._records.values()), default=0)
        self._dirty = False

    def create(self, write: ModelWrite) -> dict[str, Any]:
        with self._session() as now:
            check_name(self._records.values(), write.fields["name"], exclude=None)
            self._seq += 1
            record = Record(
                id=str(uuid.uuid4()),
                fields=write.fields,
                version=1,
                created=now,
                modified=now,
                phase="PROVISIONING",
                settle_at=now,
                rejection=None,
                failure_context="",
                seq=self._seq,
            )
            self._settle_later(record, now, write.api_key)
            self._records[record.id] = record
            return record.render(now)

    def get(self, model_id: str) -> dict[str, Any]:
        with self._session() as now:
            return self._find(model_id).render(now)

    def page(self, *, size: int, number: int) -> tuple[list[dict[str, Any]], int]:
        """One page in creation order, and the total."""
        with self._session() as now:
            ordered = sorted(self._records.values(), key=lambda r: r.seq)
            start = (number - 1) * size
            return [r.render(now) for r in ordered[start : start + size]], len(ordered)

    def update(self, model_id: str, write: ModelWrite) -> dict[str, Any]:
        with self._session() as now:
            record = self._find(model_id)
            check_update(record, write, now=now)
            check_name(self._records.values(), write.fields["name"], exclude=model_id)
            record.fields = write.fields
            record.version += 1
            record.modified = now
            record.phase = "UPDATING"
            self._settle_later(record, now, write.api_key)
            return record.render(now)

    def delete(self, model_id: str) -> dict[str, Any]:
        with self._session() as now:
            record = self._find(model_id)
            if record.status(now) != "DELETING":
                record.phase = "DELETING"
                record.modified = now
                record.settle_at = now + self._random.uniform(*self._settings.deletion_range())
                self._dirty = True
            return record.render(now)

    def active(self, model_id: str) -> Record:
        """A copy of the record behind an invocation, which must be ACTIVE."""
        with self._session() as now:
            record = self._find(model_id)
            status = record.status(now)
            if status != "ACTIVE":
                raise ApiError(
                    409,
                    "model.not.active",
                    "Model [{id}] is [{status}]; only an ACTIVE model can be invoked.",
                    params={"id": model_id, "status": status},
                )
            return Record.from_json(record.to_json())

    def provision_delays(self) -> dict[str, float]:
        with self._lock:
            return {r.fields["name"]: r.delay for r in self._records.values()}

    @contextmanager
    def _session(self) -> Iterator[float]:
        """Hold the lock at one instant of the clock; persist afterwards if anything changed.

        Purged deletions are persisted even when the operation itself answers an error.
        """
        staged = 0
        try:
            with self._lock:
                try:
                    yield self._purge()
                finally:
                    staged = self._stage()
        finally:
            if staged and self._writer is not None:
                self._writer.flush(staged)

    def _stage(self) -> int:
        dirty, self._dirty = self._dirty, False
        if dirty and self._writer is not None:
            return self._writer.stage(list(self._records.values()))
        return 0

    def _settle_later(self, record: Record, now: float, api_key: str | None) -> None:
        record.delay = self._random.uniform(*self._settings.provision_seconds)
        record.settle_at = now + record.delay
        if api_key is not None:
            record.rejection = key_rejection(record.fields["provider"], api_key)
        record.failure_context = str(uuid.uuid4())
        self._dirty = True

    def _find(self, model_id: str) -> Record:
        record = self._records.get(model_id)
        if record is None:
            raise not_found(f"/api/v2/ai/models/{model_id}")
        return record

    def _purge(self) -> float:
        """Drop models whose deletion has completed; returns the instant of this operation."""
        now = self._clock.now()
        gone = [i for i, r in self._records.items() if r.status(now) == "GONE"]
        for model_id in gone:
            del self._records[model_id]
        self._dirty = bool(gone)
        return now
