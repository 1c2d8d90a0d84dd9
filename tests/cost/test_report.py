"""Cost reporters: the plan's cost block and the ``reconcile cost`` table in three formats."""

from __future__ import annotations

import json
from decimal import Decimal as D

from reconciler.cost.projection import CostProjection, project_model
from reconciler.report.cost import (
    render_cost_summary_markdown,
    render_cost_summary_text,
)
from reconciler.report.reporters import render
from reconciler.structs.manifests import Budget, ModelEndpoint
from reconciler.structs.plan import CostSummary
from tests.fixtures_cost import USAGE


def model(name: str, model_id: str, **spec: object) -> ModelEndpoint:
    return ModelEndpoint(name=name, spec={"provider": "openai", "modelId": model_id, **spec})


def projection(budget: Budget | None = None) -> CostProjection:
    rows = (
        project_model(model("triage", "gpt-4o", usage=USAGE)),
        project_model(model("mystery", "gpt-9", usage=USAGE)),
        project_model(
            model("cheap", "gpt-4o", usage=USAGE, pricing={"inputUsdPer1M": 1, "outputUsdPer1M": 4})
        ),
    )
    return CostProjection(environment="prod", models=rows, budget=budget)


def test_summary_text_within_budget() -> None:
    summary = CostSummary(before=D("62.10"), after=D("1035"), budget_usd=D(2000))
    assert render_cost_summary_text(summary) == (
        "Monthly cost: $62.10 → $1,035.00 (+$972.90, +1,566.7%)\n"
        "Budget $2,000.00: within budget (headroom $965.00)"
    )


def test_summary_markdown_breach_is_a_caution() -> None:
    summary = CostSummary(
        before=D("62.10"),
        after=D("1035"),
        budget_usd=D(1000),
        breach="projected $1,035.00/month exceeds the budget of $1,000.00 by $35.00",
        over_budget_models=("triage",),
    )
    text = render_cost_summary_markdown(summary)
    assert "| environment total | $62.10 | **$1,035.00** | +$972.90 (+1,566.7%) |" in text
    assert "> [!CAUTION]" in text and "by $35.00" in text


def test_summary_over_budget_but_lowering_is_explained() -> None:
    summary = CostSummary(before=D(1035), after=D("62.10"), budget_usd=D(50), unpriced=("x",))
    text = render_cost_summary_text(summary)
    assert "-$972.90, -94.0%" in text
    assert "still over by $12.10" in text and "not blocked" in text
    assert "Not priced (counted as $0.00): x" in text


def test_projection_text_table() -> None:
    text = render(projection(Budget(monthly_usd=D(2000))), "text")
    # triage 1035.00 + cheap 600,000 x (450 x 1/1M + 60 x 4/1M) = 600,000 x 0.00069 = 414.00
    assert "total" in text and "$1,449.00" in text
    assert "$1.00*" in text and "not priced" in text
    assert "headroom $551.00" in text
    assert "gpt-9 is not in the pricing catalogue" in text


def test_projection_json() -> None:
    document = json.loads(render(projection(Budget(monthly_usd=D(1000))), "json"))
    assert document["formatVersion"] == 1 and document["daysPerMonth"] == 30
    assert document["totalMonthlyUsd"] == "1449.00" and document["headroomUsd"] == "-449.00"
    assert document["unpriced"] == ["mystery"]
    triage = next(m for m in document["models"] if m["name"] == "triage")
    assert triage["inputUsdPer1M"] == "2.5" and triage["monthlyUsd"] == "1035.00"
    assert document["breach"] == (
        "projected $1,449.00/month exceeds the budget of $1,000.00 by $449.00"
    )


def test_projection_markdown() -> None:
    text = render(projection(), "markdown")
    assert text.startswith("### Projected monthly cost: `prod`")
    assert "| `triage` | openai | `gpt-4o` | 20,000 | $2.50 | $10.00 | $1,035.00 |" in text
    assert "| **total** | | | | | | **$1,449.00** |" in text
