"""The budget verdict for a plan: totals before and after, and whether the change may go ahead.

Rules, in the order they are reported: the projected total exceeds ``monthlyUsd``; the increase
exceeds ``maxIncreaseUsd``; the increase exceeds ``maxIncreasePercent`` of the current total
(only when there is a current total; from zero every increase is infinite percent).

A plan that does not raise the total never breaches, even when the environment is already over
its budget: refusing a change that lowers or keeps spend would only keep the bill where it is.
Reporters still show that the total is over the budget.

Unpriced models (None before or after) count as zero in the totals and are named in
``unpriced``; validation makes an unpriced model an error wherever a budget exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from reconciler.cost.money import percent, usd
from reconciler.structs.manifests import Budget
from reconciler.structs.plan import CostSummary

CostInput = tuple[str, Decimal | None, Decimal | None]


def evaluate_budget(*, budget: Budget | None, lines: Sequence[CostInput]) -> CostSummary:
    """Totals, unpriced models and, when the plan breaks the budget, why and which models."""
    before = sum((b or Decimal(0) for _, b, _ in lines), Decimal(0))
    after = sum((a or Decimal(0) for _, _, a in lines), Decimal(0))
    unpriced = tuple(dict.fromkeys(n for n, b, a in lines if b is None or a is None))
    budget_usd = budget.monthly_usd if budget else None
    reasons = breaches(budget, before=before, after=after)
    if not reasons:
        return CostSummary(before=before, after=after, unpriced=unpriced, budget_usd=budget_usd)
    culprits = _culprits(budget, lines=lines, before=before, after=after)
    deltas = {n: (a or Decimal(0)) - (b or Decimal(0)) for n, b, a in lines}
    named = ", ".join(f"{n} {usd(deltas[n], signed=True)}/month" for n in culprits)
    sentence = "; ".join(reasons) + (f" (pushed over by {named})" if named else "")
    return CostSummary(
        before=before,
        after=after,
        unpriced=unpriced,
        budget_usd=budget_usd,
        breach=sentence,
        over_budget_models=culprits,
    )


def breaches(budget: Budget | None, *, before: Decimal, after: Decimal) -> list[str]:
    """Every rule the move from ``before`` to ``after`` breaks, as sentences; [] when none."""
    increase = after - before
    if budget is None or increase <= 0:
        return []
    reasons = []
    if budget.monthly_usd is not None and after > budget.monthly_usd:
        reasons.append(
            f"projected {usd(after)}/month exceeds the budget of "
            f"{usd(budget.monthly_usd)} by {usd(after - budget.monthly_usd)}"
        )
    cap = budget.max_increase_usd
    if cap is not None and increase > cap:
        reasons.append(
            f"the increase of {usd(increase)}/month exceeds maxIncreaseUsd "
            f"{usd(cap)} by {usd(increase - cap)}"
        )
    limit = budget.max_increase_percent
    if limit is not None and before > 0 and increase / before * 100 > limit:
        reasons.append(
            f"the increase of {percent(increase / before * 100, signed=False)} "
            f"exceeds maxIncreasePercent {limit.normalize():f}%"
        )
    return reasons


def over_budget_message(budget: Budget | None, total: Decimal) -> str | None:
    """For a standing total (no change): the sentence when it is over ``monthlyUsd``."""
    if budget is None or budget.monthly_usd is None or total <= budget.monthly_usd:
        return None
    return (
        f"projected {usd(total)}/month exceeds the budget of {usd(budget.monthly_usd)} "
        f"by {usd(total - budget.monthly_usd)}"
    )


def _culprits(
    budget: Budget | None, *, lines: Sequence[CostInput], before: Decimal, after: Decimal
) -> tuple[str, ...]:
    """The fewest models, largest increase first, whose increases explain the breach."""
    increases = sorted(
        ((((a or Decimal(0)) - (b or Decimal(0))), n) for n, b, a in lines),
        key=lambda pair: (-pair[0], pair[1]),
    )
    named: list[str] = []
    for delta, name in increases:
        if delta <= 0 or not breaches(budget, before=before, after=after):
            break
        named.append(name)
        after -= delta
    return tuple(named)
