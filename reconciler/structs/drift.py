"""A drift report: git (desired) vs the last snapshot (last applied) vs live."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from reconciler.structs.diffs import FieldChange
from reconciler.structs.plan import Plan


class DriftKind(StrEnum):
    PENDING = "pending"  # git changed since the last apply
    DRIFTED = "drifted"  # live changed outside git
    MISSING = "missing"  # deleted outside git
    UNMANAGED = "unmanaged"  # live, without the managed-by label
    UNHEALTHY = "unhealthy"  # FAILED, stuck provisioning past its timeout, or health check fails
    IN_SYNC = "inSync"


@dataclass(frozen=True)
class DriftItem:
    name: str
    kind: DriftKind
    changes: tuple[FieldChange, ...] = ()
    model_id: str | None = None
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "modelId": self.model_id,
            "changes": [c.as_dict() for c in self.changes],
        }
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class DriftReport:
    environment: str
    items: tuple[DriftItem, ...]
    snapshot_serial: int | None = None
    plan: Plan | None = None  # what an apply would do now, for the JSON lists of CONTRACT 4

    def of(self, kind: DriftKind) -> list[DriftItem]:
        return [i for i in self.items if i.kind is kind]

    @property
    def found(self) -> bool:
        return any(i.kind is not DriftKind.IN_SYNC for i in self.items)
