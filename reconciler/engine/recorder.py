"""Audit records for one run: who, from which commit, with which payload, under which run id."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reconciler.gitops.audit import AuditLog, payload_hash
from reconciler.structs.plan import PlanItem


class Recorder:
    """Appends hash-chained audit entries; thread-safe; disabled for dry runs."""

    def __init__(
        self, path: Path | None, *, environment: str, actor: str, git_commit: str | None
    ) -> None:
        self._log = AuditLog(path) if path is not None else None
        self._environment = environment
        self._actor = actor
        self._git_commit = git_commit
        self._lock = threading.Lock()
        self.run_id = str(uuid.uuid4())
        self.entries = 0

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
        if self._log is None:
            return
        spec = payload if payload is not None else (item.desired if item else None) or {}
        with self._lock:
            self._log.append(
                environment=self._environment,
                action=action,
                model=name or (item.name if item else ""),
                model_id=model_id,
                payload_hash=payload_hash(spec),
                actor=self._actor,
                git_commit=self._git_commit,
                correlation_id=correlation_id or self.run_id,
                result=result,
            )
            self.entries += 1
