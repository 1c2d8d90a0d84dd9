"""Projected monthly cost of every model of one environment: what ``reconcile cost`` reports.

Each model is priced on its own so one unknown model or missing ``spec.usage`` never hides the
others: it gets a note saying what to add, counts as zero in the total, and is listed as
unpriced. The budget line compares the standing total with ``monthlyUsd``; it reports, it does
not block (only a plan that raises the total can be refused, see ``budget``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from reconciler.cost.budget import over_budget_message
from reconciler.cost.money import cents
from reconciler.cost.pricing import DAYS_PER_MONTH, Rates, parse_usage, rates
from reconciler.structs.manifests import Budget, LoadedEnvironment, ModelEndpoint


@dataclass(frozen=True)
class ModelCost:
    """One row of the cost table; ``monthly`` is None when the model cannot be priced."""

    name: str
    provider: str
    model_id: str
    requests_per_day: Decimal | None = None
    avg_prompt_tokens: Decimal | None = None
    avg_completion_tokens: Decimal | None = None
    rates: Rates | None = None
    monthly: Decimal | None = None
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "provider": self.provider,
            "modelId": self.model_id,
            "requestsPerDay": _plain(self.requests_per_day),
            "avgPromptTokens": _plain(self.avg_prompt_tokens),
            "avgCompletionTokens": _plain(self.avg_completion_tokens),
            "inputUsdPer1M": _plain(self.rates.input_per_million if self.rates else None),
            "outputUsdPer1M": _plain(self.rates.output_per_million if self.rates else None),
            "priceSource": self.rates.source if self.rates else None,
            "monthlyUsd": cents(self.monthly),
            "note": self.note,
        }


@dataclass(frozen=True)
class CostProjection:
    """The whole environment: rows, the total (unpriced rows count as zero) and the budget."""

    environment: str
    models: tuple[ModelCost, ...]
    budget: Budget | None = None

    @property
    def total(self) -> Decimal:
        return sum((m.monthly for m in self.models if m.monthly is not None), Decimal(0))

    @property
    def unpriced(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.models if m.monthly is None)

    @property
    def budget_usd(self) -> Decimal | None:
        return self.budget.monthly_usd if self.budget else None

    @property
    def headroom(self) -> Decimal | None:
        limit = self.budget_usd
        return None if limit is None else limit - self.total

    @property
    def breach(self) -> str | None:
        return over_budget_message(self.budget, self.total)

    def as_dict(self) -> dict[str, Any]:
        return {
            "formatVersion": 1,
            "environment": self.environment,
            "daysPerMonth": DAYS_PER_MONTH,
            "models": [m.as_dict() for m in self.models],
            "totalMonthlyUsd": cents(self.total),
            "budgetUsd": cents(self.budget_usd),
            "headroomUsd": cents(self.headroom),
            "breach": self.breach,
            "unpriced": list(self.unpriced),
        }


def project_environment(loaded: LoadedEnvironment) -> CostProjection:
    """Price every model of the environment, sorted by name."""
    rows = tuple(project_model(m) for m in sorted(loaded.models, key=lambda m: m.name))
    return CostProjection(environment=loaded.config.name, models=rows, budget=loaded.config.budget)


def project_model(model: ModelEndpoint) -> ModelCost:
    """One row; a problem with the price or the usage becomes the row's note."""
    row = ModelCost(name=model.name, provider=model.provider, model_id=model.model_id)
    try:
        found = rates(
            provider=model.provider, model_id=model.model_id, pricing=model.spec.get("pricing")
        )
        usage = parse_usage(model.spec.get("usage"))
    except ValueError as exc:
        return replace(row, note=f"{model.source or model.name}: {exc}")
    if usage is not None:
        row = replace(
            row,
            requests_per_day=usage[0],
            avg_prompt_tokens=usage[1],
            avg_completion_tokens=usage[2],
        )
    if found is None:
        return replace(
            row,
            note=f"{model.provider}/{model.model_id} is not in the pricing "
            "catalogue: add spec.pricing {inputUsdPer1M, outputUsdPer1M}",
        )
    if usage is None:
        return replace(
            row,
            rates=found,
            note="no spec.usage {requestsPerDay, avgPromptTokens, "
            "avgCompletionTokens}: cannot project",
        )
    monthly = usage[0] * DAYS_PER_MONTH * found.cost(usage[1], usage[2])
    return replace(row, rates=found, monthly=monthly)


def _plain(value: Decimal | None) -> str | None:
    """Exact figures for JSON as strings without exponent or trailing zeros."""
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
