"""Plans and drift checks need only the OAuth client: an unset provider key is not compared.

Pull-request jobs then never hold provider keys; apply still needs them (and compares them by
fingerprint). Runs against the sandbox over real HTTP with the suite's usual config repo.
"""

from __future__ import annotations

import pytest

from reconciler.engine.jobs.drift_job import DriftRequest, run_drift
from reconciler.report.drift import render_drift_markdown
from reconciler.structs.errors import ConfigError, ExitCode
from reconciler.structs.plan import Action
from tests.fixtures_engine import ENV, Run

NOTE = "support-bot: provider key not compared (OPENAI_API_KEY not set); apply compares it"


def test_a_plan_without_the_key_compares_everything_but_the_key(run: Run) -> None:
    run.repo.write_model("support-bot")
    assert run() == ExitCode.OK  # applied with the key
    run.repo.environ["OPENAI_API_KEY"] = "sk-another-key-0123456789abcdef"
    assert run(dry_run=True) == ExitCode.CHANGES_PENDING  # a changed key is an update
    assert [i.name for i in run.plan.by_action(Action.UPDATE)] == ["support-bot"]

    del run.repo.environ["OPENAI_API_KEY"]
    assert run(dry_run=True) == ExitCode.OK
    assert NOTE in run.plan.warnings
    run.repo.write_model("support-bot", configuration={"temperature": 0.9})
    assert run(dry_run=True) == ExitCode.CHANGES_PENDING
    [update] = run.plan.by_action(Action.UPDATE)
    changed = [c.dotted for c in update.changes]
    assert "configuration.temperature" in changed
    assert not [c for c in changed if "credentials" in c or "labels" in c], changed


def test_a_new_model_without_its_key_plans_a_create(run: Run) -> None:
    run.repo.write_model("support-bot")
    del run.repo.environ["OPENAI_API_KEY"]
    assert run(dry_run=True) == ExitCode.CHANGES_PENDING
    assert [i.name for i in run.plan.by_action(Action.CREATE)] == ["support-bot"]
    assert run.plan.warnings == ()  # nothing live to compare a key with


def test_drift_without_the_key_finds_none_and_says_what_it_skipped(run: Run) -> None:
    run.repo.write_model("support-bot")
    assert run() == ExitCode.OK
    del run.repo.environ["OPENAI_API_KEY"]
    report = run_drift(DriftRequest(root=run.repo.root, environment=ENV, environ=run.repo.environ))
    assert not report.found
    assert NOTE in render_drift_markdown(report)


def test_an_apply_without_the_key_is_refused_before_any_call(run: Run) -> None:
    run.repo.write_model("support-bot")
    del run.repo.environ["OPENAI_API_KEY"]
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        run()
    assert run.plans == []  # refused before anything was listed or planned
