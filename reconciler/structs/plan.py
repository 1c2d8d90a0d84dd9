"""A plan is a value: what would change, model by model, field by field.

The engine computes it; reporters render it; apply executes it. Nothing in here holds a secret:
API keys appear only as fingerprints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from reconciler.structs.diffs import FieldChange
from reconciler.structs.redaction import redact


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"
    NOOP = "noop"
    UNMANAGED = "unmanaged"

    @property
    def writes(self) -> bool:
        return self in (Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE)


class Cause(StrEnum):
    """Where a planned change comes from, by the three-way comparison of ``reconcile drift``
    (git, the last snapshot, live)."""

    GIT = "git"  # the manifests changed since the last apply
    DRIFT = "drift"  # live changed outside git: applying reverts it
    BOTH = "both"

    @property
    def outside_git(self) -> bool:
        return self is not Cause.GIT


@dataclass(frozen=True)
class CostLine:
    """Projected monthly cost of one model before and after the plan (None: not priced)."""

    before: Decimal | None
    after: Decimal | None


@dataclass(frozen=True)
class PlanItem:
    """What happens to one model endpoint."""

    name: str
    action: Action
    changes: tuple[FieldChange, ...] = ()
    model_id: str | None = None
    blocked: str | None = None
    reason: str | None = None
    desired: dict[str, Any] | None = None
    live_version: int | None = None
    cost: CostLine | None = None
    in_progress: bool = False  # live is still PROVISIONING/UPDATING: apply waits for it
    local_only: bool = False  # only reconciler-side fields change: nothing is sent to the API
    cause: Cause | None = None  # set on every change (action.writes) that ``prepare`` plans
    # Changes made outside git since the last apply: ``old`` as last applied, ``new`` live now.
    live_changes: tuple[FieldChange, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "action": self.action.value,
            "modelId": self.model_id,
            "liveVersion": self.live_version,
            "changes": [c.as_dict() for c in self.changes],
        }
        if self.cause is not None:
            out["cause"] = self.cause.value
            out["liveChanges"] = [c.as_dict() for c in self.live_changes]
        if self.blocked:
            out["blocked"] = self.blocked
        if self.reason:
            out["reason"] = self.reason
        if self.cost is not None:
            out["monthlyCostUsd"] = {
                "before": _money(self.cost.before),
                "after": _money(self.cost.after),
            }
        return out


@dataclass(frozen=True)
class CostSummary:
    """Environment totals and the budget verdict."""

    before: Decimal
    after: Decimal
    unpriced: tuple[str, ...] = ()
    budget_usd: Decimal | None = None
    breach: str | None = None
    over_budget_models: tuple[str, ...] = ()

    @property
    def delta(self) -> Decimal:
        return self.after - self.before

    @property
    def delta_percent(self) -> Decimal | None:
        if self.before == 0:
            return None
        return (self.delta / self.before * 100).quantize(Decimal("0.1"))

    def as_dict(self) -> dict[str, Any]:
        pct = self.delta_percent
        return {
            "before": _money(self.before),
            "after": _money(self.after),
            "delta": _money(self.delta),
            "deltaPercent": None if pct is None else str(pct),
            "budgetUsd": _money(self.budget_usd),
            "breach": self.breach,
            "overBudgetModels": list(self.over_budget_models),
            "unpriced": list(self.unpriced),
        }


@dataclass(frozen=True)
class Plan:
    """The full plan for one environment."""

    environment: str
    items: tuple[PlanItem, ...]
    cost: CostSummary | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def by_action(self, action: Action) -> list[PlanItem]:
        return [i for i in self.items if i.action is action]

    @property
    def pending(self) -> list[PlanItem]:
        return [i for i in self.items if i.action.writes]

    @property
    def outside_git(self) -> list[PlanItem]:
        """Pending changes that revert (or include) a live change made outside git."""
        return [i for i in self.pending if i.cause is not None and i.cause.outside_git]

    @property
    def blocked(self) -> list[PlanItem]:
        return [i for i in self.items if i.blocked]

    @property
    def has_changes(self) -> bool:
        return bool(self.pending)

    @property
    def refused(self) -> bool:
        """The one answer to "will this plan be refused": a policy block or a budget breach.
        A refused plan changes nothing and exits 4."""
        return bool(self.blocked) or (self.cost is not None and self.cost.breach is not None)

    def refusal(self) -> str:
        """Why the plan is refused, in words, as its items and its cost say it (names and
        rules, no values): what a sync round and a serve job that exit 4 give as their error."""
        reasons = [f"{i.name}: {i.blocked}" for i in self.blocked]
        if self.cost is not None and self.cost.breach:
            reasons.append(self.cost.breach)
        return redact("blocked by policy: " + "; ".join(reasons))


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))
