"""Every live change ends up in the log: changes a killed run made, and replies that were lost.

A kill -9 in CI followed by a rerun from a fresh clone is simulated exactly: the server keeps
what the killed run did, and ``state/`` is put back to what was committed before it (a fresh
clone never sees the killed run's uncommitted entries).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from reconciler.engine.jobs.drift_job import DriftRequest, run_drift
from reconciler.engine.record.accounting import unaccounted_changes
from reconciler.engine.record.recorder import Recorder
from reconciler.gitops.snapshot import read_snapshot
from reconciler.gitops.state import verify_environment
from reconciler.sandbox import ManualClock
from reconciler.structs.drift import DriftKind
from reconciler.structs.errors import ExitCode
from reconciler.structs.plan import Action, PlanItem
from tests.fixtures_engine import ENV, Run, default_client, live_models

NAMES = ("alpha-model", "beta-model", "gamma-model")


def entries(root: Path) -> list[dict[str, Any]]:
    path = root / "state" / ENV / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def committed_state(root: Path) -> Path:
    """A copy of ``state/`` as it was committed, to put back after the 'killed' run."""
    saved = root.parent / "committed-state"
    shutil.copytree(root / "state", saved)
    return saved


def fresh_clone(root: Path, saved: Path) -> None:
    shutil.rmtree(root / "state")
    shutil.copytree(saved, root / "state")


def test_changes_of_a_killed_run_are_recovered_and_snapshotted(run: Run, sandbox: Any) -> None:
    for name in NAMES:
        run.repo.write_model(name)
    assert run() == ExitCode.OK
    saved = committed_state(run.repo.root)
    for name in NAMES:
        run.repo.write_model(name, configuration={"temperature": 0.7, "maxTokens": 500})
    assert run() == ExitCode.OK  # the run that will be "killed": its records are lost
    fresh_clone(run.repo.root, saved)
    before = len(entries(run.repo.root))

    assert run() == ExitCode.OK
    assert not run.plan.has_changes
    new = entries(run.repo.root)[before:]
    recovered = [e for e in new if e["action"] == "MODEL_RECOVERED"]
    assert sorted(e["model"] for e in recovered) == sorted(NAMES)
    live = {m["name"]: m for m in live_models(sandbox)}
    assert {e["modelId"] for e in recovered} == {m["id"] for m in live.values()}
    assert all("version 2" in e["result"] for e in recovered)
    snapshot = read_snapshot(run.repo.root, ENV)
    assert snapshot is not None and snapshot.serial == 2
    assert {m["name"]: m["version"] for m in snapshot.models} == {n: 2 for n in NAMES}
    assert verify_environment(run.repo.root, ENV).ok
    report = run_drift(DriftRequest(root=run.repo.root, environment=ENV, environ=run.repo.environ))
    assert report.of(DriftKind.DRIFTED) == []
    # accounted for now: the next run records nothing new
    count = len(entries(run.repo.root))
    assert run() == ExitCode.OK
    assert len(entries(run.repo.root)) == count


def test_a_create_whose_reply_was_lost_is_recovered_not_silently_adopted(
    run: Run, sandbox: Any
) -> None:
    run.repo.write_model("alpha-model")
    assert run() == ExitCode.OK
    saved = committed_state(run.repo.root)
    run.repo.write_model("beta-model")
    assert run() == ExitCode.OK  # the create was performed; its record never reached git
    fresh_clone(run.repo.root, saved)

    assert run() == ExitCode.OK
    beta = next(m for m in live_models(sandbox) if m["name"] == "beta-model")
    mine = [e for e in entries(run.repo.root) if e["modelId"] == beta["id"]]
    assert [e["action"] for e in mine] == ["MODEL_RECOVERED"]
    assert "created" in mine[0]["result"]


def test_a_deletion_nobody_recorded_is_recovered(run: Run, sandbox: Any) -> None:
    run.repo.write_model("alpha-model")
    run.repo.write_model("beta-model")
    assert run() == ExitCode.OK
    saved = committed_state(run.repo.root)
    run.repo.remove_model("beta-model")
    policy = {"prune": True, "maxParallel": 4, "requestsPerMinute": 6000}
    run.repo.write_environment(policy={**policy, "provisionTimeoutSeconds": 120})
    assert run(prune=True) == ExitCode.OK
    fresh_clone(run.repo.root, saved)

    assert run() == ExitCode.OK
    gone = [e for e in entries(run.repo.root) if e["action"] == "MODEL_RECOVERED"]
    assert [(e["model"], "deleted" in e["result"]) for e in gone] == [("beta-model", True)]


def test_each_write_is_announced_by_an_intent_entry_before_it_is_sent(run: Run) -> None:
    run.repo.write_model("alpha-model")
    assert run() == ExitCode.OK
    log = entries(run.repo.root)
    created = [e for e in log if e["action"] == "MODEL_CREATED"]
    assert [e["result"].split()[0] for e in created] == ["INTENT", "ACCEPTED"]
    assert created[0]["modelId"] is None


def test_a_run_killed_mid_write_on_this_machine_is_named_in_the_recovery(
    run: Run, sandbox: Any
) -> None:
    """Killed between sending an update and recording its acceptance: the local log has the
    intent only; the rerun records the change and names the run that made it."""
    run.repo.write_model("alpha-model")
    assert run() == ExitCode.OK
    alpha = live_models(sandbox)[0]
    recorder = Recorder(
        run.repo.root / "state" / ENV / "audit.jsonl",
        environment=ENV,
        actor="ci-runner-7",
        git_commit=None,
    )
    item = PlanItem(name="alpha-model", action=Action.UPDATE, model_id=alpha["id"])
    recorder.record_intent("MODEL_UPDATED", item)
    with default_client(sandbox) as client:  # the write that went out; then kill -9
        client.update_model(alpha["id"], {**_body(alpha), "version": alpha["version"]})

    assert run() == ExitCode.OK
    last = [e for e in entries(run.repo.root) if e["action"] == "MODEL_RECOVERED"]
    assert len(last) == 1
    assert f"run {recorder.run_id} by ci-runner-7" in last[0]["result"]
    assert "found at version 2" in last[0]["result"]


def _body(live: dict[str, Any]) -> dict[str, Any]:
    keep = ("name", "provider", "modelId", "configuration", "promptTemplate", "labels")
    return {k: live[k] for k in keep if k in live} | {"description": "changed by the run"}


def test_with_every_reply_lost_each_live_change_still_has_its_entry(
    sandbox_factory: Any, make_config_repo: Any
) -> None:
    """The sandbox performs every write and answers 502: creates are found and adopted,
    updates confirmed, and the log accounts for every one of them, with no duplicate."""
    clock = ManualClock()
    server = sandbox_factory(clock=clock, lost_reply_rate=1.0, seed=4)
    repo = make_config_repo(server.base_url)
    run = Run(repo, clock)
    for name in NAMES:
        repo.write_model(name)
    assert run() == ExitCode.OK
    for name in NAMES[:2]:
        repo.write_model(name, configuration={"temperature": 0.9, "maxTokens": 500})
    assert run() == ExitCode.OK
    live = live_models(server)
    assert sorted(m["name"] for m in live) == sorted(NAMES)
    assert server.stats["replies_lost"] >= 5
    assert unaccounted_changes(repo.root, ENV, live) == []
    assert not [e for e in entries(repo.root) if e["action"] == "MODEL_RECOVERED"]
