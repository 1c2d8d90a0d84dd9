"""Budget verdicts on both sides of the line, and which models get the blame."""

from __future__ import annotations

from decimal import Decimal as D

from reconciler.cost.budget import evaluate_budget
from reconciler.structs.manifests import Budget

# The triage change (gpt-4o-mini -> gpt-4o at 20,000 requests/day) plus a steady model.
TRIAGE = ("triage", D("62.10"), D("1035.00"))
STEADY = ("summariser", D("315.00"), D("315.00"))


def test_totals_and_no_budget() -> None:
    summary = evaluate_budget(budget=None, lines=[TRIAGE, STEADY])
    assert (summary.before, summary.after) == (D("377.10"), D("1350.00"))
    assert summary.delta == D("972.90")
    assert summary.delta_percent == D("258.0")  # 972.90 / 377.10 = 2.5799...
    assert summary.breach is None and summary.budget_usd is None


def test_just_inside_the_monthly_budget() -> None:
    summary = evaluate_budget(budget=Budget(monthly_usd=D("1350.00")), lines=[TRIAGE, STEADY])
    assert summary.breach is None and summary.over_budget_models == ()
    assert summary.budget_usd == D("1350.00")


def test_a_cent_over_the_monthly_budget() -> None:
    summary = evaluate_budget(budget=Budget(monthly_usd=D("1349.99")), lines=[TRIAGE, STEADY])
    assert summary.breach == (
        "projected $1,350.00/month exceeds the budget of $1,349.99 by "
        "$0.01 (pushed over by triage +$972.90/month)"
    )
    assert summary.over_budget_models == ("triage",)


def test_issue_example_sentence() -> None:
    lines = [("a", D("1000"), D("2000")), ("b", D("0"), D("412.50"))]
    summary = evaluate_budget(budget=Budget(monthly_usd=D("2000")), lines=lines)
    assert summary.breach is not None
    assert summary.breach.startswith(
        "projected $2,412.50/month exceeds the budget of $2,000.00 by $412.50"
    )
    assert summary.over_budget_models == ("a",)  # removing a's +$1,000 alone is enough


def test_fewest_models_largest_first() -> None:
    lines = [
        ("c", D(100), D(200)),
        ("a", D(100), D(600)),
        ("b", D(100), D(400)),
        ("cheaper", D(100), D(50)),
    ]
    # before 400, after 1250; a +500, b +300, c +100, cheaper -50
    assert evaluate_budget(budget=Budget(monthly_usd=D(800)), lines=lines).over_budget_models == (
        "a",
    )  # 1250-500 = 750
    assert evaluate_budget(budget=Budget(monthly_usd=D(500)), lines=lines).over_budget_models == (
        "a",
        "b",
    )  # 750-300 = 450


def test_max_increase_usd_both_sides() -> None:
    assert (
        evaluate_budget(budget=Budget(max_increase_usd=D("972.90")), lines=[TRIAGE]).breach is None
    )
    summary = evaluate_budget(budget=Budget(max_increase_usd=D(500)), lines=[TRIAGE])
    assert summary.breach is not None
    assert summary.breach.startswith(
        "the increase of $972.90/month exceeds maxIncreaseUsd $500.00 by $472.90"
    )
    assert summary.over_budget_models == ("triage",)


def test_max_increase_percent_both_sides() -> None:
    # 62.10 -> 1035.00 is +1,566.67%
    assert (
        evaluate_budget(budget=Budget(max_increase_percent=D(1600)), lines=[TRIAGE]).breach is None
    )
    summary = evaluate_budget(budget=Budget(max_increase_percent=D(50)), lines=[TRIAGE])
    assert summary.breach is not None
    assert summary.breach.startswith("the increase of 1,566.7% exceeds maxIncreasePercent 50%")


def test_percent_rule_does_not_apply_from_zero() -> None:
    summary = evaluate_budget(
        budget=Budget(max_increase_percent=D(10)), lines=[("new", D(0), D(100))]
    )
    assert summary.breach is None


def test_every_broken_rule_is_reported() -> None:
    budget = Budget(monthly_usd=D(1000), max_increase_usd=D(100), max_increase_percent=D(10))
    breach = evaluate_budget(budget=budget, lines=[TRIAGE]).breach
    assert breach is not None and breach.count(";") == 2


def test_a_plan_that_lowers_cost_is_never_a_breach() -> None:
    lowering = [("triage", D("1035.00"), D("62.10")), STEADY]  # 1350 -> 377.10
    summary = evaluate_budget(
        budget=Budget(monthly_usd=D(100), max_increase_usd=D(0)), lines=lowering
    )
    assert summary.breach is None and summary.after > D(100)


def test_unpriced_counts_as_zero_and_is_named() -> None:
    lines = [TRIAGE, ("mystery", None, D(5)), ("gone", D(7), None)]
    summary = evaluate_budget(budget=None, lines=lines)
    assert summary.unpriced == ("mystery", "gone")
    assert (summary.before, summary.after) == (D("69.10"), D("1040.00"))
