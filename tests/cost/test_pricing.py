"""Per-call and monthly figures, checked against sums done by hand from the listed prices."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reconciler.cost.catalogue import lookup
from reconciler.cost.pricing import call_cost, has_price, monthly_cost, rates
from tests.fixtures_cost import USAGE

MILLION = Decimal(1_000_000)


def test_catalogue_prices_are_per_token_not_per_thousand() -> None:
    # OpenAI lists gpt-4o at $2.50 / $10.00 and gpt-4o-mini at $0.15 / $0.60 per 1M tokens.
    big, mini = lookup("openai", "gpt-4o"), lookup("openai", "gpt-4o-mini")
    assert big is not None and mini is not None
    assert (big.input_per_token * MILLION, big.output_per_token * MILLION) == (
        Decimal("2.5"),
        Decimal("10"),
    )
    assert (mini.input_per_token * MILLION, mini.output_per_token * MILLION) == (
        Decimal("0.15"),
        Decimal("0.6"),
    )


def test_mini_to_4o_at_20000_requests_a_day_by_hand() -> None:
    # 600,000 requests a month (20,000 x 30 days).
    # gpt-4o-mini: 450 x 0.15/1M + 60 x 0.60/1M = 0.0000675 + 0.000036 = $0.0001035 a request
    # gpt-4o:      450 x 2.50/1M + 60 x 10.0/1M = 0.001125  + 0.0006   = $0.001725  a request
    before = monthly_cost(provider="openai", model_id="gpt-4o-mini", usage=USAGE, pricing=None)
    after = monthly_cost(provider="openai", model_id="gpt-4o", usage=USAGE, pricing=None)
    assert before == Decimal("62.10")
    assert after == Decimal("1035.00")
    assert after - before == Decimal("972.90")
    assert 16 < after / before < 17


def test_the_1000x_trap_a_per_1k_price_used_per_token() -> None:
    # gpt-4o costs $0.0025 per 1K input tokens; taken as a per-token price the month would be
    # 600,000 x (450 x 0.0025 + 60 x 0.01) = $1,035,000, a thousand times the truth.
    wrong = 600_000 * (450 * Decimal("0.0025") + 60 * Decimal("0.01"))
    right = monthly_cost(provider="openai", model_id="gpt-4o", usage=USAGE, pricing=None)
    assert wrong == Decimal("1035000")
    assert right == wrong / 1000


def test_override_per_million_converts_exactly() -> None:
    pricing = {"inputUsdPer1M": 0.1, "outputUsdPer1M": "0.4"}  # YAML floats and strings
    found = rates(provider="openai", model_id="gpt-4o", pricing=pricing)
    assert found is not None and found.source == "catalogue+override"
    assert found.input_per_token == Decimal("0.0000001")
    assert found.output_per_token == Decimal("0.0000004")
    # 600,000 x (450 x 0.1/1M + 60 x 0.4/1M) = 600,000 x 0.000069 = $41.40
    assert monthly_cost(
        provider="openai", model_id="gpt-4o", usage=USAGE, pricing=pricing
    ) == Decimal("41.4")


def test_partial_override_keeps_the_catalogue_for_the_rest() -> None:
    found = rates(provider="openai", model_id="gpt-4o", pricing={"outputUsdPer1M": 8})
    assert found is not None
    assert found.input_per_million == Decimal("2.5") and found.output_per_million == 8


def test_unknown_model_is_not_priced_never_zero() -> None:
    args = {"provider": "openai", "model_id": "my-private-model"}
    assert monthly_cost(**args, usage=USAGE, pricing=None) is None
    assert call_cost(**args, pricing=None, prompt_tokens=10, completion_tokens=5) is None
    assert not has_price(**args, pricing=None)
    assert not has_price(**args, pricing={"inputUsdPer1M": 1})  # output still unknown


def test_unknown_model_with_a_full_override_is_priced() -> None:
    pricing = {"inputUsdPer1M": 3, "outputUsdPer1M": 12}
    assert has_price(provider="openai", model_id="my-private-model", pricing=pricing)
    found = rates(provider="openai", model_id="my-private-model", pricing=pricing)
    assert found is not None and found.source == "override"
    # 1,000 x 30 x (1,000 x 3/1M + 100 x 12/1M) = 30,000 x 0.0042 = $126
    usage = {"requestsPerDay": 1000, "avgPromptTokens": 1000, "avgCompletionTokens": 100}
    assert monthly_cost(
        provider="openai", model_id="my-private-model", usage=usage, pricing=pricing
    ) == Decimal("126")


def test_call_cost_from_returned_usage() -> None:
    # claude-sonnet-4-5 on anthropic: $3 / $15 per 1M; 1,234 in + 567 out
    # = 0.003702 + 0.008505 = $0.012207
    cost = call_cost(
        provider="anthropic",
        model_id="claude-sonnet-4-5",
        pricing=None,
        prompt_tokens=1234,
        completion_tokens=567,
    )
    assert cost == Decimal("0.012207")


def test_missing_usage_cannot_be_projected() -> None:
    assert monthly_cost(provider="openai", model_id="gpt-4o", usage=None, pricing=None) is None
    partial = {"requestsPerDay": 10, "avgPromptTokens": 5}
    assert monthly_cost(provider="openai", model_id="gpt-4o", usage=partial, pricing=None) is None


@pytest.mark.parametrize("bad", [-1, "cheap", True, float("nan"), [1]])
def test_bad_override_names_the_field(bad: object) -> None:
    with pytest.raises(ValueError, match=r"spec\.pricing\.inputUsdPer1M"):
        rates(provider="openai", model_id="gpt-4o", pricing={"inputUsdPer1M": bad})
    assert not has_price(provider="openai", model_id="gpt-4o", pricing={"inputUsdPer1M": bad})
