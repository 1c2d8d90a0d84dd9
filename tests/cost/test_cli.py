"""``reconcile cost --env ENV`` on a real config repository, offline."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from reconciler.cli.cost import cost
from tests.fixtures_cost import USAGE, ConfigRepo, model_manifest

MODELS = [
    model_manifest("triage", model_id="gpt-4o", usage=USAGE),
    model_manifest(
        "summariser",
        provider="anthropic",
        model_id="claude-sonnet-4-5",
        usage={"requestsPerDay": 1000, "avgPromptTokens": 2000, "avgCompletionTokens": 300},
    ),
    model_manifest(
        "negotiated",
        provider="azure",
        model_id="gpt-4o",
        usage=USAGE,
        pricing={"inputUsdPer1M": 2, "outputUsdPer1M": 8},
    ),
]


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cost, ["--root", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def test_table_and_total(cost_repo: ConfigRepo) -> None:
    root = cost_repo("staging", MODELS)
    code, out, _ = run(root, "--env", "staging")
    assert code == 0
    # triage $1,035.00; summariser 30,000 x (2,000 x 3/1M + 300 x 15/1M) = 30,000 x 0.0105
    # = $315.00; negotiated 600,000 x (450 x 2/1M + 60 x 8/1M) = 600,000 x 0.00138 = $828.00
    for figure in ("$1,035.00", "$315.00", "$828.00", "$2,178.00"):
        assert figure in out


def test_json_and_over_budget_still_exits_zero(cost_repo: ConfigRepo) -> None:
    root = cost_repo("prod", MODELS, budget={"monthlyUsd": 2000})
    code, out, _ = run(root, "--env", "prod", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["formatVersion"] == 1
    assert document["totalMonthlyUsd"] == "2178.00" and document["budgetUsd"] == "2000.00"
    assert document["breach"] == (
        "projected $2,178.00/month exceeds the budget of $2,000.00 by $178.00"
    )


def test_markdown(cost_repo: ConfigRepo) -> None:
    root = cost_repo("prod", MODELS, budget={"monthlyUsd": 3000})
    code, out, _ = run(root, "--env", "prod", "--format", "markdown")
    assert code == 0
    assert "| **total** | | | | | | **$2,178.00** |" in out
    assert "headroom $822.00" in out


def test_unknown_model_without_budget_is_reported_not_zero(cost_repo: ConfigRepo) -> None:
    models = [*MODELS, model_manifest("private", model_id="my-finetune", usage=USAGE)]
    root = cost_repo("dev", models)
    code, out, _ = run(root, "--env", "dev")
    assert code == 0
    assert "not priced" in out and "openai/my-finetune is not in the pricing catalogue" in out
    assert "$2,178.00" in out


def test_unknown_model_with_budget_is_invalid(cost_repo: ConfigRepo) -> None:
    models = [*MODELS, model_manifest("private", model_id="my-finetune", usage=USAGE)]
    root = cost_repo("prod", models, budget={"monthlyUsd": 5000})
    code, _, err = run(root, "--env", "prod")
    assert code == 1
    assert "private.yaml" in err and "spec.pricing" in err


def test_unknown_environment(cost_repo: ConfigRepo) -> None:
    root = cost_repo("staging", MODELS)
    code, _, err = run(root, "--env", "nope")
    assert code == 1 and "nope" in err


def test_usage_at_the_integer_bound_is_priced_not_a_crash(cost_repo: ConfigRepo) -> None:
    """2^53 requests a day of 2^53 tokens is valid input; its cost has more digits than the
    default decimal context holds, and quantizing it to the cent raised InvalidOperation."""
    bound = 2**53
    usage = {"requestsPerDay": bound, "avgPromptTokens": bound, "avgCompletionTokens": bound}
    root = cost_repo("prod", [model_manifest("triage", usage=usage)], budget={"monthlyUsd": bound})
    code, out, err = run(root, "--env", "prod", "--format", "json")
    assert code == 0, err
    monthly = json.loads(out)["models"][0]["monthlyUsd"]
    assert monthly.endswith(".00") and len(monthly) > 30
    code, out, err = run(root, "--env", "prod")
    assert code == 0 and "over budget" in out.lower(), err
