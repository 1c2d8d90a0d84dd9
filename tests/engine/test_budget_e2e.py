"""Issue 9's acceptance: a modelId change shows its monthly delta, and a budget blocks it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reconciler.report.plan_markdown import render_plan_markdown
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


def test_a_usage_only_change_is_priced_from_the_snapshot_and_blocked_over_budget(
    run: Run, sandbox: Any
) -> None:
    run.repo.write_environment(policy=POLICY, budget={"monthlyUsd": 500})
    small = {**USAGE, "requestsPerDay": 2000}
    run.repo.write_model("support-classifier", usage=small)
    assert run() == ExitCode.OK
    run.repo.write_model("support-classifier", usage={**USAGE, "requestsPerDay": 200000})
    assert run(dry_run=True) == ExitCode.BLOCKED
    (item,) = run.plan.items
    assert item.action is Action.UPDATE and item.local_only
    assert [(c.dotted, c.old, c.new) for c in item.changes] == [
        ("usage.requestsPerDay", 2000, 200000)
    ]
    # 2,000 and 200,000 requests a day of gpt-4o-mini at 450 in / 60 out: $6.21 and $621.00
    assert item.cost is not None
    assert item.cost.before == Decimal("6.21") and item.cost.after == Decimal("621")
    assert "exceeds the budget" in (run.plan.cost.breach or "") if run.plan.cost else False

    row = "| `~` | `support-classifier` | update | $6.21 → $621.00 (+$614.79) |"
    assert row in render_plan_markdown(run.plan), "the markdown cost column shows the delta"
    run.repo.write_environment(policy=POLICY, budget={"monthlyUsd": 1000})
    assert run(dry_run=True) == ExitCode.CHANGES_PENDING
    versions = {m["id"]: m["version"] for m in live_models(sandbox)}
    assert run() == ExitCode.OK
    assert {m["id"]: m["version"] for m in live_models(sandbox)} == versions, "nothing sent"
    assert run(dry_run=True) == ExitCode.OK, "the snapshot now records the new usage"
