"""The packaged pricing and context-limit catalogue, looked up by ``provider`` and ``modelId``.

The data is ``reconciler/data/pricing.json``, trimmed from LiteLLM by ``refresh_catalogue`` and
never fetched at run time. Lookups forgive the spellings people copy from other tools: a
provider prefix ("azure/gpt-4o", "bedrock/anthropic.claude-..."), and for bedrock a
cross-region inference prefix ("us.", "eu.", "global.") when only the base model is listed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources
from typing import Any

# Bedrock cross-region inference profiles put a geography before the vendor.
BEDROCK_GEO_PREFIXES = ("us-gov.", "us.", "eu.", "apac.", "ap.", "au.", "jp.", "ca.", "global.")
PROVIDER_ALIASES = {"bedrock_converse": "bedrock", "azure_openai": "azure"}


@dataclass(frozen=True)
class CatalogueEntry:
    """Prices in USD per token and limits in tokens for one model of one provider."""

    provider: str
    model_id: str
    input_per_token: Decimal
    output_per_token: Decimal
    cache_read_per_token: Decimal | None = None
    cache_write_per_token: Decimal | None = None
    max_input_tokens: int | None = None
    max_output_tokens: int | None = None


@lru_cache(maxsize=1_024)
def lookup(provider: str, model_id: str) -> CatalogueEntry | None:
    """The catalogue entry for this model, or None when the catalogue does not know it.

    Remembered (the catalogue is packaged and the entry frozen): a plan of 1,000 models prices
    each one four times, and a repository uses a handful of distinct models."""
    provider = PROVIDER_ALIASES.get(provider.strip().lower(), provider.strip().lower())
    models = _models().get(provider, {})
    for candidate in _candidates(provider, model_id.strip()):
        raw = models.get(candidate)
        if raw is not None:
            return _entry(provider, candidate, raw)
    return None


def max_output_tokens(provider: str, model_id: str) -> int | None:
    """The model's output-token limit; None when the model (or its limit) is unknown."""
    entry = lookup(provider, model_id)
    return None if entry is None else entry.max_output_tokens


def provenance() -> dict[str, Any]:
    """Where the data came from (source, LiteLLM version, date, license)."""
    return dict(_document()["provenance"])


def known_models(provider: str) -> tuple[str, ...]:
    """Every model id listed for a provider, sorted; for "did you mean" hints."""
    return tuple(sorted(_models().get(provider, {})))


def _candidates(provider: str, model_id: str) -> list[str]:
    names = [model_id, model_id.lower()]
    stripped = [n.removeprefix(f"{provider}/") for n in names]
    if provider == "bedrock":
        stripped += [n.removeprefix("bedrock_converse/") for n in stripped]
        stripped += [_without_geo(n) for n in stripped]
    return list(dict.fromkeys(names + stripped))


def _without_geo(model_id: str) -> str:
    for prefix in BEDROCK_GEO_PREFIXES:
        if model_id.startswith(prefix):
            return model_id[len(prefix) :]
    return model_id


def _entry(provider: str, model_id: str, raw: dict[str, Any]) -> CatalogueEntry:
    return CatalogueEntry(
        provider=provider,
        model_id=model_id,
        input_per_token=Decimal(raw["inputPerToken"]),
        output_per_token=Decimal(raw["outputPerToken"]),
        cache_read_per_token=_decimal(raw.get("cacheReadPerToken")),
        cache_write_per_token=_decimal(raw.get("cacheWritePerToken")),
        max_input_tokens=raw.get("maxInputTokens"),
        max_output_tokens=raw.get("maxOutputTokens"),
    )


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _models() -> dict[str, dict[str, dict[str, Any]]]:
    models: dict[str, dict[str, dict[str, Any]]] = _document()["models"]
    return models


@cache
def _document() -> dict[str, Any]:
    text = resources.files("reconciler").joinpath("data/pricing.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document
