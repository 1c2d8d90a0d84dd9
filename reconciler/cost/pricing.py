"""Effective prices for one model, and what its traffic costs per call and per month.

A manifest's ``spec.pricing`` overrides the catalogue field by field for negotiated rates; it is
written per 1M tokens because that is how price sheets read, and converted exactly (Decimal, no
float). A model is priced only when both the input and the output rate resolve; otherwise every
function here returns None ("not priced") and the caller reports it: never a silent zero.

A month is 30 days: monthly cost = requestsPerDay x 30 x (avgPromptTokens x input rate +
avgCompletionTokens x output rate). Figures are exact Decimals; rounding is for display only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from reconciler.cost.catalogue import CatalogueEntry, lookup

DAYS_PER_MONTH = 30
PER_MILLION = Decimal(1_000_000)
OVERRIDE_FIELDS = {
    "inputUsdPer1M": "input",
    "outputUsdPer1M": "output",
    "cacheReadUsdPer1M": "cache_read",
    "cacheWriteUsdPer1M": "cache_write",
}
USAGE_FIELDS = ("requestsPerDay", "avgPromptTokens", "avgCompletionTokens")


@dataclass(frozen=True)
class Rates:
    """USD per token that apply to one model, and where they came from."""

    input_per_token: Decimal
    output_per_token: Decimal
    cache_read_per_token: Decimal | None = None
    cache_write_per_token: Decimal | None = None
    source: str = "catalogue"

    @property
    def input_per_million(self) -> Decimal:
        return self.input_per_token * PER_MILLION

    @property
    def output_per_million(self) -> Decimal:
        return self.output_per_token * PER_MILLION

    def cost(self, prompt_tokens: Decimal | int, completion_tokens: Decimal | int) -> Decimal:
        """USD for one call with these token counts (cache tokens are not split out)."""
        return prompt_tokens * self.input_per_token + completion_tokens * self.output_per_token


def rates(*, provider: str, model_id: str, pricing: Mapping[str, Any] | None) -> Rates | None:
    """The catalogue's rates with any override applied; None when input or output is unknown."""
    override = parse_override(pricing)
    entry = lookup(provider, model_id)
    listed = {} if entry is None else _listed(entry)
    merged = {**listed, **override}
    if "input" not in merged or "output" not in merged:
        return None
    source = "override" if not entry else "catalogue+override" if override else "catalogue"
    return Rates(
        input_per_token=merged["input"],
        output_per_token=merged["output"],
        cache_read_per_token=merged.get("cache_read"),
        cache_write_per_token=merged.get("cache_write"),
        source=source,
    )


def _listed(entry: CatalogueEntry) -> dict[str, Decimal]:
    found = {
        "input": entry.input_per_token,
        "output": entry.output_per_token,
        "cache_read": entry.cache_read_per_token,
        "cache_write": entry.cache_write_per_token,
    }
    return {k: v for k, v in found.items() if v is not None}


def has_price(*, provider: str, model_id: str, pricing: Mapping[str, Any] | None) -> bool:
    """Whether this model can be priced from the catalogue or its override."""
    try:
        return rates(provider=provider, model_id=model_id, pricing=pricing) is not None
    except ValueError:
        return False


def monthly_cost(
    *,
    provider: str,
    model_id: str,
    usage: Mapping[str, Any] | None,
    pricing: Mapping[str, Any] | None,
) -> Decimal | None:
    """Projected USD per 30-day month; None when the model is not priced or usage is missing."""
    found = rates(provider=provider, model_id=model_id, pricing=pricing)
    parsed = parse_usage(usage)
    if found is None or parsed is None:
        return None
    per_day, prompt, completion = parsed
    return per_day * DAYS_PER_MONTH * found.cost(prompt, completion)


def call_cost(
    *,
    provider: str,
    model_id: str,
    pricing: Mapping[str, Any] | None,
    prompt_tokens: int,
    completion_tokens: int,
) -> Decimal | None:
    """What one call cost from the token usage the gateway returned; None when not priced."""
    found = rates(provider=provider, model_id=model_id, pricing=pricing)
    if found is None:
        return None
    return found.cost(prompt_tokens, completion_tokens)


def parse_override(pricing: Mapping[str, Any] | None) -> dict[str, Decimal]:
    """``spec.pricing`` (USD per 1M tokens) as USD per token; raises ValueError naming the field."""
    if not pricing:
        return {}
    out: dict[str, Decimal] = {}
    for field, key in OVERRIDE_FIELDS.items():
        if pricing.get(field) is not None:
            out[key] = to_decimal(pricing[field], field=f"spec.pricing.{field}") / PER_MILLION
    return out


def parse_usage(usage: Mapping[str, Any] | None) -> tuple[Decimal, Decimal, Decimal] | None:
    """(requests per day, prompt tokens, completion tokens), or None when any is missing."""
    if not usage or any(usage.get(f) is None for f in USAGE_FIELDS):
        return None
    per_day, prompt, completion = (
        to_decimal(usage[f], field=f"spec.usage.{f}") for f in USAGE_FIELDS
    )
    return per_day, prompt, completion


def to_decimal(value: Any, *, field: str) -> Decimal:
    """A non-negative number from YAML as an exact Decimal (floats via their shortest text)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"{field} must be a number, got {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"{field} must be a number, got {value!r}") from exc
    if not number.is_finite() or number < 0:
        raise ValueError(f"{field} must be a non-negative number, got {value!r}")
    return number
