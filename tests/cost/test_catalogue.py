"""The packaged catalogue: lookups as manifests spell them, and data that stays trustworthy."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources

import pytest

from reconciler.cost import refresh_catalogue
from reconciler.cost.catalogue import known_models, lookup, max_output_tokens, provenance


@pytest.mark.parametrize(
    ("provider", "model_id", "listed_as"),
    [
        ("openai", "gpt-4o", "gpt-4o"),
        ("azure", "gpt-4o", "gpt-4o"),
        ("azure", "azure/gpt-4o", "gpt-4o"),
        ("AZURE", "gpt-4o-mini", "gpt-4o-mini"),
        ("anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5"),
        (
            "bedrock",
            "anthropic.claude-3-5-sonnet-20240620-v1:0",
            "anthropic.claude-3-5-sonnet-20240620-v1:0",
        ),
        (
            "bedrock",
            "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
            "anthropic.claude-3-5-sonnet-20240620-v1:0",
        ),
        (
            "bedrock",
            "us.anthropic.claude-3-5-sonnet-20240620-v1:0",
            "us.anthropic.claude-3-5-sonnet-20240620-v1:0",
        ),
        (
            "bedrock",
            "apac.anthropic.claude-3-5-sonnet-20240620-v1:0",
            "anthropic.claude-3-5-sonnet-20240620-v1:0",
        ),
    ],
)
def test_lookup_normalises_the_spellings(provider: str, model_id: str, listed_as: str) -> None:
    entry = lookup(provider, model_id)
    assert entry is not None
    assert entry.model_id == listed_as and entry.provider == provider.lower()


def test_bedrock_claude_3_5_sonnet_prices_and_limits() -> None:
    entry = lookup("bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0")
    assert entry is not None
    assert entry.input_per_token == Decimal("0.000003")
    assert entry.output_per_token == Decimal("0.000015")
    assert entry.cache_read_per_token == Decimal("0.0000003")
    assert entry.cache_write_per_token == Decimal("0.00000375")
    assert (entry.max_input_tokens, entry.max_output_tokens) == (200_000, 4096)


def test_unknown_models_are_none() -> None:
    assert lookup("openai", "gpt-unknown") is None
    assert lookup("mistral", "gpt-4o") is None
    assert max_output_tokens("openai", "gpt-unknown") is None
    assert max_output_tokens("openai", "gpt-4o") == 16_384


def test_trimmed_to_chat_models_of_the_four_providers() -> None:
    document = json.loads(resources.files("reconciler").joinpath("data/pricing.json").read_text())
    assert sorted(document["models"]) == ["anthropic", "azure", "bedrock", "openai"]
    openai = known_models("openai")
    assert "gpt-4o" in openai
    assert not [m for m in openai if m.startswith("ft:") or "embedding" in m or "audio" in m]
    assert not [m for p in document["models"] for m in known_models(p) if "/" in m]


def test_every_price_is_plausibly_per_token() -> None:
    # A per-1K or per-1M figure stored by mistake would be 1,000x or 1,000,000x too high:
    # no chat model costs more than $1,000 per 1M tokens ($0.001 per token).
    document = json.loads(resources.files("reconciler").joinpath("data/pricing.json").read_text())
    for provider, models in document["models"].items():
        for model_id in models:
            entry = lookup(provider, model_id)
            assert entry is not None
            for price in (entry.input_per_token, entry.output_per_token):
                assert Decimal(0) <= price < Decimal("0.001"), (provider, model_id, price)


def test_provenance_header() -> None:
    header = provenance()
    assert header["license"].startswith("MIT")
    assert header["source"] == "https://github.com/BerriAI/litellm"
    assert header["litellmVersion"] and header["date"]


def test_packaged_file_is_in_the_canonical_form_the_script_writes() -> None:
    text = resources.files("reconciler").joinpath("data/pricing.json").read_text("utf-8")
    assert refresh_catalogue.render(json.loads(text)) == text
