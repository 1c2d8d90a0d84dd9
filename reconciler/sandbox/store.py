"""The models the sandbox holds: one lock, lazy lifecycle, optional persistence.

All reads and writes take one lock, which makes names unique and versions strictly increasing
under any number of concurrent clients; the work under it is tiny (dict operations and, with a
state file, one atomic write).
"""

from __future__ import annotations

import random
import threading
import uuid
from pathlib import Path
from typing import Any

from reconciler.sandbox.bodies import ModelWrite
from reconciler.sandbox.clock import Clock
from reconciler.sandbox.errors import ApiError, bad_request, conflict, not_found
from reconciler.sandbox.lifecycle import Record, key_rejection
from reconciler.sandbox.persistence import load_state, save_state
from reconciler.sandbox.settings import SandboxSettings


class ModelStore:
    """Create, read, update and delete models by the platform's rules."""

    def __init__(self, settings: SandboxSettings, *, clock: Clock) -> None:
        self._settings = settings
        self._clock = clock
        self._random = random.Random(settings.seed)
        self._lock = threading.RLock()
        self._state = settings.state_file
        self._records: dict[str, Record] = {}
        for record in load_state(self._state) if self._state else []:
            self._records[record.id] = record
        self._seq = max((r.seq for r in self._records.values()), default=0)

    def create(self, write: ModelWrite) -> dict[str, Any]:
        with self._lock:
            now = self._purge()
            self._check_name(write.fields["name"], exclude=None)
            self._seq += 1
            assert write.api_key is not None
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
            return self._saved(record.render(now))

    def get(self, model_id: str) -> dict[str, Any]:
        with self._lock:
            now = self._purge()
            return self._find(model_id).render(now)

    def page(self, *, size: int, number: int) -> tuple[list[dict[str, Any]], int]:
        """One page in creation order, and the total."""
        with self._lock:
            now = self._purge()
            ordered = sorted(self._records.values(), key=lambda r: r.seq)
            start = (number - 1) * size
            return [r.render(now) for r in ordered[start : start + size]], len(ordered)

    def update(self, model_id: str, write: ModelWrite) -> dict[str, Any]:
        with self._lock:
            now = self._purge()
            record = self._find(model_id)
            if record.status(now) == "DELETING":
                raise conflict("Model [{id}] is being deleted and cannot be updated.", id=model_id)
            if write.version != record.version:
                raise conflict(
                    "Version [{sent}] of model [{id}] is stale; the current version "
                    "is [{current}]. Read the model again and retry.",
                    sent=str(write.version),
                    id=model_id,
                    current=str(record.version),
                )
            if write.fields["provider"] != record.fields["provider"]:
                raise bad_request(
                    "The provider of model [{id}] cannot change from [{old}] to "
                    "[{new}]; delete the model and create it again (a replace).",
                    id=model_id,
                    old=record.fields["provider"],
                    new=write.fields["provider"],
                )
            self._check_name(write.fields["name"], exclude=model_id)
            record.fields = write.fields
            record.version += 1
            record.modified = now
            record.phase = "UPDATING"
            self._settle_later(record, now, write.api_key)
            return self._saved(record.render(now))

    def delete(self, model_id: str) -> dict[str, Any]:
        with self._lock:
            now = self._purge()
            record = self._find(model_id)
            if record.status(now) != "DELETING":
                record.phase = "DELETING"
                record.modified = now
                record.settle_at = now + self._random.uniform(*self._settings.deletion_range())
            return self._saved(record.render(now))

    def active(self, model_id: str) -> Record:
        """The record behind an invocation: it must be ACTIVE."""
        with self._lock:
            now = self._purge()
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

    def _settle_later(self, record: Record, now: float, api_key: str | None) -> None:
        record.delay = self._random.uniform(*self._settings.provision_seconds)
        record.settle_at = now + record.delay
        if api_key is not None:
            record.rejection = key_rejection(record.fields["provider"], api_key)
        record.failure_context = str(uuid.uuid4())

    def _check_name(self, name: str, *, exclude: str | None) -> None:
        for record in self._records.values():
            if record.fields["name"] == name and record.id != exclude:
                raise conflict(
                    "A model named [{name}] already exists (id [{id}]); names are unique.",
                    name=name,
                    id=record.id,
                )

    def _find(self, model_id: str) -> Record:
        record = self._records.get(model_id)
        if record is None:
            raise not_found(f"/api/v2/ai/models/{model_id}")
        return record

    def _purge(self) -> float:
        """Drop models whose deletion has completed; returns the time of this operation."""
        now = self._clock.now()
        gone = [i for i, r in self._records.items() if r.status(now) == "GONE"]
        for model_id in gone:
            del self._records[model_id]
        if gone:
            self._save()
        return now

    def _saved(self, answer: dict[str, Any]) -> dict[str, Any]:
        self._save()
        return answer

    def _save(self) -> None:
        if self._state is not None:
            save_state(Path(self._state), list(self._records.values()))
