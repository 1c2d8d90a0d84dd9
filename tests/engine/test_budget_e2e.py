"""Issue 9's acceptance: a modelId change shows its monthly delta, and a budget blocks it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reconciler.structs.errors import ExitCode
from reconciler.structs.plan import Action
from tests.fixtures_engine import Run, live_models

USAGE = {"requestsPerDay": 20000, "avgPromptTokens": 450, "avgCompletionTokens": 60}
POLICY = {
    "prune": False,
    "maxParallel": 4,
    "requestsPerMinute": 6000,
    "provisionTimeoutSeconds": 120,
}


def test_mini_to_4o_shows_the_delta_and_a_budget_below_it_blocks(run: Run, sandbox: Any) -> None:
    run.repo.write_environment(policy=POLICY, budget={"monthlyUsd": 500})
    run.repo.write_model("support-classifier", usage=USAGE)
    assert run() == ExitCode.OK
    run.repo.write_model("support-classifier", usage=USAGE, modelId="gpt-4o")
    assert run(dry_run=True) == ExitCode.BLOCKED
    (item,) = run.plan.items
    assert item.action is Action.UPDATE and item.cost is not None
    # hand-computed: 20,000 x 30 x (450 x in + 60 x out); gpt-4o-mini $0.15/$0.60 per 1M,
    # gpt-4o $2.50/$10.00 per 1M -> $62.10 and $1,035.00
    assert item.cost.before == Decimal("62.1") and item.cost.after == Decimal("1035")
    assert run.plan.cost is not None and run.plan.cost.delta == Decimal("972.9")
    assert "support-classifier" in (run.plan.cost.breach or "")
    before = {m["id"]: m["version"] for m in live_models(sandbox)}
    assert run() == ExitCode.BLOCKED
    assert {m["id"]: m["version"] for m in live_models(sandbox)} == before
    run.repo.write_environment(policy=POLICY, budget={"monthlyUsd": 1100})
    assert run() == ExitCode.OK
    assert live_models(sandbox)[0]["modelId"] == "gpt-4o"


def test_a_delete_is_priced_from_the_last_snapshot(run: Run) -> None:
    run.repo.write_environment(policy={**POLICY, "prune": True})
    run.repo.write_model("support-classifier", usage=USAGE)
    run.repo.write_model("old-model", usage=USAGE)
    assert run() == ExitCode.OK
    run.repo.remove_model("old-model")
    assert run(dry_run=True, prune=True) == ExitCode.CHANGES_PENDING
    (delete,) = run.plan.by_action(Action.DELETE)
    assert delete.cost is not None
    assert delete.cost.before == Decimal("62.1") and delete.cost.after == 0
    assert run.plan.cost is not None and run.plan.cost.delta == Decimal("-62.1")
