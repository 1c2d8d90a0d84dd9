"""Rules that consult the model catalogue: output-token limits and prices.

An unknown model id is only a warning, because providers ship models faster than the catalogue
is refreshed; a model that cannot be priced is an error only where a budget must be enforced,
since the budget check would otherwise count it as free.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reconciler.cost.catalogue import lookup
from reconciler.cost.pricing import has_price
from reconciler.manifests.document import Document
from reconciler.manifests.quoting import quoted
from reconciler.manifests.rules.base import Context
from reconciler.structs.manifests import PROVIDERS
from reconciler.structs.problems import Problem, Severity


def output_limit(doc: Document, ctx: Context) -> Iterable[Problem]:
    """Rules ``model-unknown`` (warning) and ``max-tokens``."""
    ids = _ids(doc)
    if ids is None:
        return
    provider, model_id = ids
    entry = lookup(provider, model_id)
    if entry is None:
        yield doc.problem(
            ("spec", "modelId"),
            rule="model-unknown",
            severity=Severity.WARNING,
            message=f"{provider} model {quoted(model_id)} is not in the model catalogue, "
            "so maxTokens and cost cannot be checked",
            fix="check the spelling, or refresh the catalogue if the model is new",
        )
        return
    limit = entry.max_output_tokens
    max_tokens = doc.get(("spec", "configuration", "maxTokens"))
    if (
        limit is not None
        and isinstance(max_tokens, int)
        and not isinstance(max_tokens, bool)
        and max_tokens > limit
    ):
        yield doc.problem(
            ("spec", "configuration", "maxTokens"),
            rule="max-tokens",
            message=f"maxTokens {max_tokens} exceeds the {limit} output tokens "
            f"{quoted(model_id)} can produce",
            fix=f"set maxTokens to {limit} or less",
        )


def priced(doc: Document, ctx: Context) -> Iterable[Problem]:
    """Rule ``price-missing``: error under a budget, warning otherwise."""
    ids = _ids(doc)
    if ids is None:
        return
    provider, model_id = ids
    pricing = doc.get(("spec", "pricing"))
    if has_price(provider=provider, model_id=model_id, pricing=_mapping(pricing)):
        return
    severity = Severity.ERROR if ctx.has_budget else Severity.WARNING
    why = (
        f"environment '{ctx.environment}' has a budget, which cannot be enforced"
        if ctx.has_budget
        else "its cost is left out of projections"
    )
    yield doc.problem(
        ("spec", "modelId"),
        rule="price-missing",
        severity=severity,
        message=f"no price is known for {provider} model {quoted(model_id)}; {why}",
        fix="add spec.pricing with inputUsdPer1M and outputUsdPer1M",
    )


def usage_declared(doc: Document, ctx: Context) -> Iterable[Problem]:
    """Rule ``usage-missing``: without ``spec.usage`` a model's cost is unknown, which a budget
    cannot accept (error) and a projection must not hide (warning)."""
    if doc.get(("spec", "usage")) is not None or _ids(doc) is None:
        return
    yield doc.problem(
        ("spec",),
        rule="usage-missing",
        severity=Severity.ERROR if ctx.has_budget else Severity.WARNING,
        message="spec.usage is missing, so the model's monthly cost cannot be projected"
        + (f" and environment '{ctx.environment}' has a budget" if ctx.has_budget else ""),
        fix="add spec.usage with requestsPerDay, avgPromptTokens and avgCompletionTokens",
    )


def _ids(doc: Document) -> tuple[str, str] | None:
    provider = doc.get(("spec", "provider"))
    model_id = doc.get(("spec", "modelId"))
    if provider in PROVIDERS and isinstance(model_id, str) and model_id:
        return provider, model_id
    return None


def _mapping(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None
