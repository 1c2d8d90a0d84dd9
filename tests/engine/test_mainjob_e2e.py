"""The main job end to end: real manifests, real HTTP to the sandbox, real audit and snapshot.

The sandbox runs on a manual clock; the applier's sleep advances that clock, so provisioning
that takes "20-40 s" completes in milliseconds without a single real sleep.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from reconciler.engine.record.events import Event
from reconciler.gitops.audit import verify_log
from reconciler.gitops.snapshot import read_snapshot
from reconciler.structs.errors import ExitCode
from reconciler.structs.plan import Action
from tests.fixtures_engine import ENV, KEYS, ConfigRepo, Run, default_client, live_models


class SimulatedCrash(BaseException):
    """Not an Exception: like a kill, nothing in the applier may swallow it."""


def audit_actions(repo: ConfigRepo) -> list[str]:
    """The actions of what happened (intent entries only announce a write)."""
    path = repo.root / "state" / ENV / "audit.jsonl"
    entries = [json.loads(line) for line in path.read_text().splitlines()]
    return [e["action"] for e in entries if not e["result"].startswith("INTENT")]


def test_dry_run_shows_creates_and_changes_nothing(run: Run, sandbox: Any) -> None:
    run.repo.write_model("support-classifier")
    run.repo.write_model("ticket-summarizer")
    assert run(dry_run=True) == ExitCode.CHANGES_PENDING
    assert [i.action for i in run.plan.items] == [Action.CREATE, Action.CREATE]
    assert live_models(sandbox) == []
    assert not (run.repo.root / "state").exists()


def test_apply_creates_records_and_second_run_is_a_noop(run: Run, sandbox: Any) -> None:
    for name in ("alpha-model", "beta-model", "gamma-model"):
        run.repo.write_model(name)
    assert run() == ExitCode.OK
    live = live_models(sandbox)
    assert sorted(m["name"] for m in live) == ["alpha-model", "beta-model", "gamma-model"]
    assert {m["status"] for m in live} == {"ACTIVE"}
    assert audit_actions(run.repo) == ["MODEL_CREATED"] * 3 + ["CONFIG_SYNC"]
    assert verify_log(run.repo.root / "state" / ENV / "audit.jsonl").ok
    snapshot = read_snapshot(run.repo.root, ENV)
    assert snapshot is not None and snapshot.serial == 1 and len(snapshot.models) == 3
    writes_before = _writes(sandbox)
    assert run() == ExitCode.OK
    assert not run.plan.has_changes
    assert _writes(sandbox) == writes_before


def _writes(sandbox: Any) -> int:
    stats = sandbox.stats
    get = stats.get if isinstance(stats, dict) else lambda k, d=0: getattr(stats, k, d)
    return sum(int(get(k, 0)) for k in ("create", "update", "delete"))


def test_update_and_replace(run: Run, sandbox: Any) -> None:
    run.repo.write_model("alpha-model")
    run.repo.write_model("beta-model")
    assert run() == ExitCode.OK
    run.repo.write_model("alpha-model", configuration={"temperature": 0.3, "maxTokens": 500})
    run.repo.write_model(
        "beta-model",
        provider="anthropic",
        modelId="claude-3-5-haiku-20241022",
        credentials={"apiKey": "${ANTHROPIC_API_KEY}"},
    )
    assert run() == ExitCode.OK
    actions = {i.name: i.action for i in run.plans[-1].items}
    assert actions == {"alpha-model": Action.UPDATE, "beta-model": Action.REPLACE}
    live = {m["name"]: m for m in live_models(sandbox)}
    assert live["alpha-model"]["configuration"]["temperature"] == 0.3
    assert live["beta-model"]["provider"] == "anthropic"
    last = audit_actions(run.repo)[-4:]
    assert sorted(last[:3]) == ["MODEL_DELETED", "MODEL_REPLACED", "MODEL_UPDATED"]
    assert last.index("MODEL_DELETED") < last.index("MODEL_REPLACED")  # recorded as it happens
    assert last[3] == "CONFIG_SYNC"


def test_prune_is_blocked_without_permission_and_allowed_with_it(run: Run, sandbox: Any) -> None:
    run.repo.write_model("alpha-model")
    run.repo.write_model("old-model")
    assert run() == ExitCode.OK
    run.repo.remove_model("old-model")
    assert run(prune=True) == ExitCode.BLOCKED
    assert "policy.prune" in (run.plan.blocked[0].blocked or "")
    assert len(live_models(sandbox)) == 2
    run.repo.write_environment(
        policy={
            "prune": True,
            "maxParallel": 4,
            "requestsPerMinute": 6000,
            "provisionTimeoutSeconds": 120,
        }
    )
    assert run() == ExitCode.BLOCKED
    assert run(prune=True) == ExitCode.OK, run.results[-1].failures
    assert [m["name"] for m in live_models(sandbox)] == ["alpha-model"]
    assert "MODEL_DELETED" in audit_actions(run.repo)


def test_provisioning_failure_exits_3_and_the_others_apply(run: Run, sandbox: Any) -> None:
    run.repo.write_model("good-model")
    run.repo.write_model("bad-key-model", credentials={"apiKey": "${BAD_KEY}"})
    run.repo.environ["BAD_KEY"] = "not-an-openai-key-1234567890"
    assert run() == ExitCode.INCOMPLETE
    (result,) = run.results
    failed = {o.name: o for o in result.failures}
    assert list(failed) == ["bad-key-model"] and failed["bad-key-model"].error
    live = {m["name"]: m["status"] for m in live_models(sandbox)}
    assert live == {"good-model": "ACTIVE", "bad-key-model": "FAILED"}
    assert "PROVISION_FAILED" in audit_actions(run.repo)


def test_timeout_exits_3_and_is_recorded(run: Run, sandbox: Any) -> None:
    run.repo.write_model("slow-model")
    assert run(timeout=5.0) == ExitCode.INCOMPLETE
    assert run.results[0].failures[0].state == "TIMEOUT"
    assert "PROVISION_TIMEOUT" in audit_actions(run.repo)


def test_crash_half_way_then_rerun_finishes_without_duplicates(run: Run, sandbox: Any) -> None:
    names = [f"model-{i:02d}" for i in range(8)]
    for name in names:
        run.repo.write_model(name)
    seen: list[str] = []

    def crash_after_three(event: Event) -> None:
        if event.state == "creating":
            seen.append(event.name)
            if len(seen) > 3:
                raise SimulatedCrash

    with pytest.raises(SimulatedCrash):
        run(on_event=crash_after_three)
    created = live_models(sandbox)
    assert 0 < len(created) < len(names)
    assert run() == ExitCode.OK
    live = live_models(sandbox)
    assert sorted(m["name"] for m in live) == names
    assert {m["status"] for m in live} == {"ACTIVE"}


def test_unmanaged_live_model_is_shown_and_never_touched(run: Run, sandbox: Any) -> None:
    with default_client(sandbox) as client:
        client.create_model(
            {
                "name": "hand-made",
                "provider": "openai",
                "modelId": "gpt-4o",
                "credentials": {"apiKey": KEYS["OPENAI_API_KEY"]},
                "promptTemplate": "{input}",
                "labels": {"team": "x"},
            }
        )
    run.repo.write_model("alpha-model")
    assert run(prune=True) in (ExitCode.OK,)
    unmanaged = run.plans[0].by_action(Action.UNMANAGED)
    assert [i.name for i in unmanaged] == ["hand-made"]
    assert {m["name"] for m in live_models(sandbox)} == {"alpha-model", "hand-made"}


def test_no_secret_reaches_state_files(run: Run) -> None:
    run.repo.write_model("alpha-model")
    assert run() == ExitCode.OK
    for path in (run.repo.root / "state").rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert KEYS["OPENAI_API_KEY"] not in text
            assert "sandbox-secret" not in text


def test_audit_entries_carry_the_platforms_correlation_id(run: Run) -> None:
    run.repo.write_model("alpha-model")
    assert run() == ExitCode.OK
    path = run.repo.root / "state" / ENV / "audit.jsonl"
    entries = [json.loads(line) for line in path.read_text().splitlines()]
    created = next(e for e in entries if e["result"] == "ACCEPTED")
    sync = next(e for e in entries if e["action"] == "CONFIG_SYNC")
    assert created["correlationId"] != sync["correlationId"]  # not the run id
    assert len(created["correlationId"]) >= 16
