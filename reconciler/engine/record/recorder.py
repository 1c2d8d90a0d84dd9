"""Audit records for one run: who, from which commit, with which payload, under which run id.

Before each write the run appends an intent entry (the write's action, result ``INTENT (run
<id>)``, correlation id the run id), and after the API accepts it the ``ACCEPTED`` entry. An
intent with no CONFIG_SYNC of its run after it marks a run that was interrupted; the start of
the next run names it in the MODEL_RECOVERED entries of what that run changed unrecorded.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reconciler.gitops.audit import AuditLog, payload_hash
from reconciler.structs.diffs import FieldChange
from reconciler.structs.plan import PlanItem


class Recorder:
    """Appends hash-chained audit entries; thread-safe; disabled for dry runs."""

    def __init__(
        self,
        path: Path | None,
        *,
        environment: str,
        actor: str,
        git_commit: str | None,
        run_id: str | None = None,
    ) -> None:
        self._log = AuditLog(path) if path is not None else None
        self._environment = environment
        self._actor = actor
        self._git_commit = git_commit
        self._lock = threading.Lock()
        self.run_id = run_id or str(uuid.uuid4())
        self.entries = 0  # entries that record something that happened (not intents)

    def record_intent(self, action: str, item: PlanItem) -> None:
        """Announce a write before it is sent, so a crash during it leaves a trace."""
        self._append(
            action,
            name=item.name,
            model_id=item.model_id,
            payload=item.desired or {},
            correlation_id=self.run_id,
            result=f"INTENT (run {self.run_id})",
        )

    def withdraw_intents(self) -> None:
        """Take back this run's intents when none of its writes happened (see AuditLog)."""
        if self._log is not None and self.entries == 0:
            with self._lock:
                self._log.withdraw(self.run_id)

    def record_drift(
        self, name: str, model_id: str | None, changes: Sequence[FieldChange], result: str
    ) -> None:
        """A DRIFT_DETECTED entry: the fields changed outside git, named in the result and
        kept whole in the payload (``drift --commit`` and the sync agent's self-heal)."""
        self.record(
            "DRIFT_DETECTED",
            item=None,
            name=name,
            model_id=model_id,
            result=result,
            payload={"changes": [c.as_dict() for c in changes]},
        )

    def record(
        self,
        action: str,
        *,
        item: PlanItem | None,
        model_id: str | None,
        result: str,
        name: str | None = None,
        correlation_id: str | None = None,
        payload: Mapping[str, Any] | None = None,
    ) -> None:
        spec = payload if payload is not None else (item.desired if item else None) or {}
        written = self._append(
            action,
            name=name or (item.name if item else ""),
            model_id=model_id,
            payload=spec,
            correlation_id=correlation_id or self.run_id,
            result=result,
        )
        if written:
            self.entries += 1

    def _append(
        self,
        action: str,
        *,
        name: str,
        model_id: str | None,
        payload: Mapping[str, Any],
        correlation_id: str,
        result: str,
    ) -> bool:
        if self._log is None:
            return False
        with self._lock:
            self._log.append(
                environment=self._environment,
                action=action,
                model=name,
                model_id=model_id,
                payload_hash=payload_hash(payload),
                actor=self._actor,
                git_commit=self._git_commit,
                correlation_id=correlation_id,
                result=result,
            )
        return True
