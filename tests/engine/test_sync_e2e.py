"""The sync agent against a bare remote and a sandbox server on loopback.

An "agent" is a clone of a bare remote, as in a cluster; a "developer" clone pushes commits
to that remote. The sandbox runs on a manual clock that the agent's waits advance.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from reconciler.engine.sync.report import RoundOutcome, RoundReport
from reconciler.engine.sync.round import SyncSettings, run_round
from reconciler.sandbox import ManualClock
from reconciler.sandbox.embedded import embedded_sandbox
from tests.fixtures_engine import ENV, ConfigRepo, default_client, live_models
from tests.fixtures_gitops import configure, git, publish

AUTO = {"auto": True}
HEAL = {"auto": True, "selfHeal": True}


@dataclass
class Fleet:
    """A bare remote, a developer's clone and an agent's clone of one config repository."""

    bare: Path
    dev: ConfigRepo
    agent: ConfigRepo
    clock: ManualClock
    tmp: Path

    def settings(self, repo: ConfigRepo | None = None, **over: Any) -> SyncSettings:
        repo = repo or self.agent
        given: dict[str, Any] = {
            "push": True,
            "environ": repo.environ,
            "lock_timeout": 5.0,
            "sleep": self.clock.advance,
            "monotonic": self.clock.now,
            **over,
        }
        return SyncSettings(root=repo.root, environment=ENV, **given)

    def round(self, number: int = 1, **over: Any) -> RoundReport:
        return run_round(self.settings(**over), number)

    def push(self, message: str, change: Callable[[ConfigRepo], object]) -> None:
        git(self.dev.root, "pull", "--quiet", "--ff-only", "origin", "main")
        change(self.dev)
        git(self.dev.root, "add", "-A")
        git(self.dev.root, "commit", "--quiet", "-m", message)
        git(self.dev.root, "push", "--quiet", "origin", "main")

    def clone(self, name: str) -> ConfigRepo:
        target = self.tmp / name
        subprocess.run(["git", "clone", "--quiet", str(self.bare), str(target)], check=True)
        configure(target)
        return ConfigRepo(root=target, base_url=self.dev.base_url)


def set_sync(repo: ConfigRepo, sync: dict[str, bool]) -> None:
    path = repo.root / "environments" / ENV / "environment.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["spec"]["policy"]["sync"] = sync
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def remote_audit(fleet: Fleet) -> list[dict[str, Any]]:
    listed = git(fleet.bare, "ls-tree", "--name-only", "main", f"state/{ENV}/")
    if "audit.jsonl" not in listed:
        return []
    text = git(fleet.bare, "show", f"main:state/{ENV}/audit.jsonl")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def actions(entries: list[dict[str, Any]], model: str | None = None) -> list[str]:
    return [e["action"] for e in entries if model is None or e["model"] == model]


def drift_temperature(sandbox: Any, name: str, value: float) -> None:
    """Change a live endpoint outside git, as someone with the Gateway's console would."""
    with default_client(sandbox) as client:
        live = next(m for m in client.list_models() if m["name"] == name)
        body = {k: v for k, v in live.items() if k not in ("id", "status", "selfUri")}
        body["configuration"] = {**live["configuration"], "temperature": value}
        client.update_model(live["id"], body)


@pytest.fixture
def fleet(config_repo: ConfigRepo, sandbox_clock: ManualClock, tmp_path: Path) -> Fleet:
    set_sync(config_repo, AUTO)
    config_repo.write_model("alpha-model")
    bare = publish(config_repo.root, tmp_path)
    fleet = Fleet(bare, config_repo, config_repo, sandbox_clock, tmp_path)
    fleet.agent = fleet.clone("agent")
    return fleet


def test_a_pushed_commit_is_applied_recorded_and_pushed(fleet: Fleet, sandbox: Any) -> None:
    first = fleet.round(1)
    assert first.outcome is RoundOutcome.APPLIED, first.error
    fleet.push("add beta", lambda repo: repo.write_model("beta-model"))
    report = fleet.round(2)
    assert report.outcome is RoundOutcome.APPLIED, report.error
    assert report.pulled == 1 and report.in_sync
    assert report.states == {"ACTIVE": 2}  # the create counted as it ended, not next round
    assert [(c.name, c.action, c.ok) for c in report.changes] == [("beta-model", "create", True)]
    assert {m["name"]: m["status"] for m in live_models(sandbox)} == {
        "alpha-model": "ACTIVE",
        "beta-model": "ACTIVE",
    }
    assert actions(remote_audit(fleet), "beta-model") == ["MODEL_CREATED", "MODEL_CREATED"]
    quiet = fleet.round(3)
    assert quiet.outcome is RoundOutcome.IN_SYNC and not quiet.changes


def test_a_drifted_endpoint_is_healed_and_recorded_drift_first(fleet: Fleet, sandbox: Any) -> None:
    fleet.push("self-heal", lambda repo: set_sync(repo, HEAL))
    assert fleet.round(1).outcome is RoundOutcome.APPLIED
    drift_temperature(sandbox, "alpha-model", 0.9)
    report = fleet.round(2)
    assert report.outcome is RoundOutcome.APPLIED, report.error
    assert report.drifted == ("alpha-model",) and report.healed == ("alpha-model",)
    live = next(m for m in live_models(sandbox) if m["name"] == "alpha-model")
    assert live["configuration"]["temperature"] != 0.9
    after = actions(remote_audit(fleet), "alpha-model")
    assert after[after.index("DRIFT_DETECTED") :][-2:] == ["MODEL_UPDATED", "MODEL_UPDATED"]
    assert "DRIFT_DETECTED" in after
    assert after.index("DRIFT_DETECTED") < len(after) - 2


def test_a_sandbox_agent_keeps_every_record_out_of_state(fleet: Fleet) -> None:
    """``sync --sandbox`` applies and heals against the embedded emulator; its records (the
    apply's, the drift it found, the heal) live under .reconciler/sandbox/state/, never in the
    clone's state/ where a real run would commit them, and a quiet round takes no lock."""
    fleet.push("self-heal", lambda repo: set_sync(repo, HEAL))
    environ = {**fleet.agent.environ, "RECONCILE_SANDBOX_PROVISION_SECONDS": "0:0"}
    sandboxed = {"sandbox": True, "environ": environ}
    assert fleet.round(1, **sandboxed).outcome is RoundOutcome.APPLIED
    root = fleet.agent.root
    with embedded_sandbox(root, organisation=ENV, provision_seconds=(0.0, 0.0)) as emulator:
        drift_temperature(emulator, "alpha-model", 0.9)
    report = fleet.round(2, **sandboxed)
    assert report.outcome is RoundOutcome.APPLIED, report.error
    assert report.healed == ("alpha-model",)
    quiet = fleet.round(3, **sandboxed)
    assert quiet.outcome is RoundOutcome.IN_SYNC and not quiet.changes, quiet
    assert not (root / "state").exists()
    log = root / ".reconciler" / "sandbox" / "state" / ENV / "audit.jsonl"
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert "DRIFT_DETECTED" in actions(entries, "alpha-model")
    assert remote_audit(fleet) == [] and git(root, "status", "--porcelain", "state") == ""


def test_without_self_heal_drift_is_reported_and_left_alone_round_after_round(
    fleet: Fleet, sandbox: Any
) -> None:
    assert fleet.round(1).outcome is RoundOutcome.APPLIED
    drift_temperature(sandbox, "alpha-model", 0.9)
    for number in (2, 3, 4):
        report = fleet.round(number)
        assert report.drifted == ("alpha-model",), (number, report)
        assert not report.in_sync and not report.changes
        live = next(m for m in live_models(sandbox) if m["name"] == "alpha-model")
        assert live["configuration"]["temperature"] == 0.9
    assert "DRIFT_DETECTED" not in actions(remote_audit(fleet))


def test_suspended_stops_both_apply_and_heal_but_keeps_reporting(
    fleet: Fleet, sandbox: Any
) -> None:
    fleet.push("self-heal", lambda repo: set_sync(repo, HEAL))
    assert fleet.round(1).outcome is RoundOutcome.APPLIED
    before = remote_audit(fleet)
    fleet.push("suspend", lambda repo: set_sync(repo, {**HEAL, "suspended": True}))
    fleet.push("add beta", lambda repo: repo.write_model("beta-model"))
    drift_temperature(sandbox, "alpha-model", 0.9)
    report = fleet.round(2)
    assert report.outcome is RoundOutcome.OUT_OF_SYNC, report.error
    assert report.pulled == 2 and report.pending == 2 and report.drifted == ("alpha-model",)
    assert [m["name"] for m in live_models(sandbox)] == ["alpha-model"]
    assert remote_audit(fleet) == before


def test_a_manifest_moved_into_the_agents_own_folders_is_a_local_edit(fleet: Fleet) -> None:
    """``git mv`` of a manifest into ``.reconciler/`` deletes it from the environment: the
    rename's source is a local edit too (read from ``git status -z``, only its destination,
    inside the agent's own folders, was seen)."""
    moved = f"environments/{ENV}/models/alpha-model.yaml"
    (fleet.agent.root / ".reconciler").mkdir(exist_ok=True)
    git(fleet.agent.root, "mv", moved, ".reconciler/alpha-model.yaml")
    report = fleet.round(1)
    assert report.outcome is RoundOutcome.FAILED and report.exit_code == 1
    assert f"local edits ({moved}" in str(report.error) or f", {moved}" in str(report.error)


def test_a_dirty_diverged_or_detached_checkout_is_refused_with_what_to_do(fleet: Fleet) -> None:
    fleet.agent.write_model("local-edit")
    report = fleet.round(1)
    assert report.outcome is RoundOutcome.FAILED and report.exit_code == 1
    assert "local edits (environments/staging/models/local-edit.yaml)" in str(report.error)
    assert "git stash -u" in str(report.error)
    (fleet.agent.root / "environments" / ENV / "models" / "local-edit.yaml").unlink()
    git(fleet.agent.root, "commit", "--quiet", "--allow-empty", "-m", "local only")
    fleet.push("add beta", lambda repo: repo.write_model("beta-model"))
    report = fleet.round(2)
    assert report.outcome is RoundOutcome.FAILED
    assert "1 local commit(s) that are not on origin/main" in str(report.error)
    assert "git reset --hard origin/main" in str(report.error)
    # without an upstream the branch follows origin/<branch>; a detached HEAD is refused
    git(fleet.agent.root, "reset", "--quiet", "--hard", "origin/main")
    git(fleet.agent.root, "branch", "--quiet", "--unset-upstream")
    fleet.push("add gamma", lambda repo: repo.write_model("gamma-model"))
    report = fleet.round(3)
    assert report.pulled == 1 and report.outcome is not RoundOutcome.FAILED, report.error
    git(fleet.agent.root, "checkout", "--quiet", "--detach")
    report = fleet.round(4)
    assert report.outcome is RoundOutcome.FAILED
    assert "HEAD is detached" in str(report.error) and "git checkout main" in str(report.error)


def test_two_agents_on_one_environment_never_both_apply(fleet: Fleet, sandbox: Any) -> None:
    fleet.push("more", lambda repo: [repo.write_model(f"m{i}-model") for i in range(4)])
    other = fleet.clone("agent-b")
    reports: list[RoundReport] = []

    def agent(settings: SyncSettings) -> None:
        reports.append(run_round(settings, 1))

    threads = [
        threading.Thread(target=agent, args=(fleet.settings(repo, lock_timeout=30.0),))
        for repo in (fleet.agent, other)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    applied = [r for r in reports if r.changes]
    assert len(reports) == 2 and len(applied) == 1, [r.as_dict() for r in reports]
    assert all(r.outcome is not RoundOutcome.FAILED for r in reports), reports
    created = Counter(e["model"] for e in remote_audit(fleet) if e["action"] == "MODEL_CREATED")
    assert set(created.values()) == {2} and len(created) == 5  # an intent and its acceptance
    assert len(live_models(sandbox)) == 5


def test_a_round_killed_mid_apply_is_recovered_by_the_next_round(
    fleet: Fleet, sandbox_factory: Callable[..., Any]
) -> None:
    slow = sandbox_factory(provision_seconds=(3.0, 3.0))
    for repo in (fleet.dev, fleet.agent):
        repo.base_url = slow.base_url
    fleet.push("point at the slow sandbox", lambda repo: repo.write_environment())
    fleet.push("heal", lambda repo: set_sync(repo, HEAL))
    command = ["sync", "--env", ENV, "--root", str(fleet.agent.root), "--push", "--interval", "60"]
    agent = subprocess.Popen(
        [sys.executable, "-m", "reconciler", *command],
        env={
            **fleet.agent.environ,
            "PATH": "/usr/bin:/bin",
            "HOME": str(fleet.tmp),
            "RECONCILE_LOCK_TTL": "1",  # the killed holder's lease lapses a second later
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not live_models(slow) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert live_models(slow), "the agent never created the endpoint"
    finally:
        agent.kill()  # SIGKILL: no handler runs, nothing is committed
        agent.wait(timeout=10)
    assert "MODEL_CREATED" not in actions(remote_audit(fleet), "alpha-model")
    # The endpoint finishes provisioning on the sandbox's real clock: the round waits for it.
    settings = fleet.settings(lock_timeout=10.0, sleep=time.sleep, monotonic=time.monotonic)
    report = run_round(settings, 2)
    assert report.outcome is not RoundOutcome.FAILED, report.error
    recorded = [
        e["action"]
        for e in remote_audit(fleet)
        if e["model"] == "alpha-model" and not e["result"].startswith("INTENT")
    ]
    # Killed after the create's acceptance was written: committed now. Killed before: found
    # by the accounting and recorded as MODEL_RECOVERED. Either way the change is on record.
    assert {"MODEL_CREATED", "MODEL_RECOVERED"} & set(recorded), recorded
    snapshot = json.loads(git(fleet.bare, "show", f"main:state/{ENV}/snapshot.json"))
    assert [(m["name"], m["status"]) for m in snapshot["models"]] == [("alpha-model", "ACTIVE")]
    assert len(live_models(slow)) == 1
    verify = subprocess.run(
        [sys.executable, "-m", "reconciler", "audit", "verify", "--env", ENV],
        cwd=fleet.agent.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_a_stop_between_steps_ends_the_round_before_it_writes(fleet: Fleet, sandbox: Any) -> None:
    fleet.push("add beta", lambda repo: repo.write_model("beta-model"))
    report = run_round(fleet.settings(), 1, stopping=lambda: True)
    assert report.outcome is RoundOutcome.STOPPED and report.exit_code == 130
    assert report.pulled == 1  # the fast-forward finished; nothing after it started
    assert live_models(sandbox) == [] and remote_audit(fleet) == []
    assert not (fleet.agent.root / "state").exists()


def test_a_plan_the_budget_refuses_is_blocked_with_its_reason_and_changes_nothing(
    fleet: Fleet, sandbox: Any
) -> None:
    assert fleet.round(1).outcome is RoundOutcome.APPLIED
    before = remote_audit(fleet)

    def over_budget(repo: ConfigRepo) -> None:
        repo.write_environment(budget={"monthlyUsd": 0.01})
        set_sync(repo, AUTO)
        repo.write_model("beta-model")

    fleet.push("beta, over budget", over_budget)
    report = fleet.round(2)
    assert report.outcome is RoundOutcome.BLOCKED and report.exit_code == 4
    assert "blocked by policy" in str(report.error) and "budget" in str(report.error)
    assert [m["name"] for m in live_models(sandbox)] == ["alpha-model"]
    assert remote_audit(fleet) == before


def test_once_prints_the_round_as_json_and_exits_with_its_code(fleet: Fleet, sandbox: Any) -> None:
    assert fleet.round(1).outcome is RoundOutcome.APPLIED
    command = ["sync", "--once", "--format", "json", "--env", ENV, "--root", str(fleet.agent.root)]
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", *command, "--push"],
        env={**fleet.agent.environ, "PATH": "/usr/bin:/bin", "HOME": str(fleet.tmp)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["formatVersion"] == 1 and printed["outcome"] == "in-sync"
    assert printed["inSync"] is True and printed["models"] == {"ACTIVE": 1}
    logged = json.loads(done.stderr.splitlines()[-1])
    assert logged["event"] == "sync-round" and logged["outcome"] == "in-sync"


def test_quiet_rounds_read_the_manifests_once_per_commit(
    fleet: Fleet, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reconciler.engine.sync.round as round_module

    assert fleet.round(1).outcome is RoundOutcome.APPLIED  # commits state: HEAD moves
    reads: list[str] = []
    real = round_module.load_environment

    def counting(root: Path, env: str) -> Any:
        reads.append(env)
        return real(root, env)

    monkeypatch.setattr(round_module, "load_environment", counting)
    assert [fleet.round(n).outcome for n in (2, 3, 4)] == [RoundOutcome.IN_SYNC] * 3
    assert len(reads) == 1
    fleet.push("add beta", lambda repo: repo.write_model("beta-model"))
    assert fleet.round(5).outcome is RoundOutcome.APPLIED  # the new commit is read
    assert len(reads) == 2


class Killed(BaseException):
    """A kill -9 between the records' write and their commit: nothing after it runs, no
    handler catches it (a BaseException, as a signal's would be)."""


def kill_at(monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    """Kill the round when it reaches ``step`` of its write-back: ``commit_and_push`` (records
    all written) or ``_snapshot_and_audit`` (its writes' entries written, no snapshot yet)."""
    import reconciler.engine.record.writeback as writeback

    def killed(*_args: object, **_kw: object) -> None:
        raise Killed

    monkeypatch.setattr(writeback, step, killed)


def verify_history_in_a_fresh_clone(fleet: Fleet, name: str) -> subprocess.CompletedProcess[str]:
    clone = fleet.clone(name)
    return subprocess.run(
        [sys.executable, "-m", "reconciler", "audit", "verify", "--history", "--env", ENV],
        cwd=clone.root,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize(
    "step", ["commit_and_push", "_snapshot_and_audit"], ids=["before-commit", "before-snapshot"]
)
def test_an_agent_killed_before_its_commit_recovers_after_another_clone_recorded_it(
    fleet: Fleet, sandbox: Any, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    fleet.push("self-heal", lambda repo: set_sync(repo, HEAL))
    assert fleet.round(1).outcome is RoundOutcome.APPLIED
    fleet.push("add beta", lambda repo: repo.write_model("beta-model"))
    with monkeypatch.context() as patched:
        kill_at(patched, step)
        with pytest.raises(Killed):
            fleet.round(2)
    assert git(fleet.agent.root, "status", "--porcelain", "--", f"state/{ENV}")
    assert "beta-model" in [m["name"] for m in live_models(sandbox)]

    other = fleet.clone("agent-b")  # a fresh clone records the change the log misses
    report = run_round(fleet.settings(other), 1)
    assert report.outcome is not RoundOutcome.FAILED, report.error
    assert "MODEL_RECOVERED" in actions(remote_audit(fleet), "beta-model")

    report = fleet.round(3)
    assert report.outcome is not RoundOutcome.FAILED, report.error
    assert "interrupted run left uncommitted" in report.notices[0], report.notices
    assert git(fleet.agent.root, "status", "--porcelain") == ""
    assert git(fleet.agent.root, "rev-parse", "HEAD") == git(fleet.bare, "rev-parse", "main")
    subjects = git(fleet.bare, "log", "--format=%s", "main").splitlines()
    assert any("interrupted run left uncommitted" in s for s in subjects), subjects
    beta = actions(remote_audit(fleet), "beta-model")
    assert beta.count("MODEL_CREATED") == 2 and beta.count("MODEL_RECOVERED") == 1, beta
    snapshot = json.loads(git(fleet.bare, "show", f"main:state/{ENV}/snapshot.json"))
    assert sorted(m["name"] for m in snapshot["models"]) == ["alpha-model", "beta-model"]
    assert fleet.round(4).outcome is RoundOutcome.IN_SYNC
    verify = verify_history_in_a_fresh_clone(fleet, "auditor")
    assert verify.returncode == 0, verify.stdout + verify.stderr


def refuse_pushes(bare: Path, refusing: bool) -> None:
    """A remote that declines pushes to main while ``refusing`` (a pre-receive hook), as a
    branch briefly protected would; the lock's lease refs still go through."""
    hook = bare / "hooks" / "pre-receive"
    if refusing:
        refuse = "grep -q ' refs/heads/main$' && { echo 'main is protected' >&2; exit 1; }"
        hook.write_text(f"#!/bin/sh\n{refuse}\nexit 0\n", encoding="utf-8")
        hook.chmod(0o755)
    else:
        hook.unlink()


def test_records_whose_push_failed_are_pushed_by_a_later_round_after_the_remote_moved(
    fleet: Fleet, sandbox: Any
) -> None:
    assert fleet.round(1).outcome is RoundOutcome.APPLIED
    fleet.push("add beta", lambda repo: repo.write_model("beta-model"))
    refuse_pushes(fleet.bare, True)
    report = fleet.round(2)
    assert report.outcome is RoundOutcome.INCOMPLETE and "main is protected" in str(report.error)
    assert git(fleet.agent.root, "rev-list", "--count", "origin/main..HEAD").strip() == "1"
    refuse_pushes(fleet.bare, False)
    fleet.push("add gamma", lambda repo: repo.write_model("gamma-model"))

    report = fleet.round(3)
    assert report.outcome is RoundOutcome.APPLIED, report.error
    assert [c.name for c in report.changes] == ["gamma-model"]
    assert "pushed 1 local commit(s) of records" in " ".join(report.notices)
    assert git(fleet.agent.root, "rev-parse", "HEAD") == git(fleet.bare, "rev-parse", "main")
    assert actions(remote_audit(fleet), "beta-model") == ["MODEL_CREATED", "MODEL_CREATED"]
    verify = verify_history_in_a_fresh_clone(fleet, "auditor")
    assert verify.returncode == 0, verify.stdout + verify.stderr


@pytest.mark.parametrize("remote_moved", [True, False])
def test_local_commits_of_more_than_records_are_refused_never_applied(
    fleet: Fleet, sandbox: Any, remote_moved: bool
) -> None:
    """Whether or not the remote moved: a local commit nobody reviewed is neither applied
    nor pushed (with the remote still, it was both until 2026-12-07; hostile review)."""
    assert fleet.round(1).outcome is RoundOutcome.APPLIED
    fleet.agent.write_model("local-only")
    git(fleet.agent.root, "add", "-A")
    git(fleet.agent.root, "commit", "--quiet", "-m", "a manifest nobody reviewed")
    if remote_moved:
        fleet.push("add beta", lambda repo: repo.write_model("beta-model"))
    report = fleet.round(2)
    assert report.outcome is RoundOutcome.FAILED
    assert "1 local commit(s) that are not on origin/main" in str(report.error)
    assert "local-only" not in git(fleet.bare, "ls-tree", "-r", "--name-only", "main")
    assert "local-only" not in [m["name"] for m in live_models(sandbox)]


def _move_a_manifest_under_state(root: Path) -> None:
    git(root, "mv", f"environments/{ENV}/models/alpha-model.yaml", f"state/{ENV}/alpha.yaml")


def _commit_a_secret_beside_the_records(root: Path) -> None:
    (root / "state" / ENV / "creds.env").write_text("CLIENT_SECRET=s3cr3t-value-123\n")


def _drop_the_first_audit_entry(root: Path) -> None:
    log = root / "state" / ENV / "audit.jsonl"
    log.write_text("".join(log.read_text().splitlines(keepends=True)[1:]))


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        (_move_a_manifest_under_state, "not on origin/main"),  # a rename is a deletion
        (_commit_a_secret_beside_the_records, "not on origin/main"),
        (_drop_the_first_audit_entry, "not an append-only successor"),
    ],
)
def test_local_commits_under_state_that_are_not_appended_records_are_never_pushed(
    fleet: Fleet, sandbox: Any, change: Callable[[Path], None], refusal: str
) -> None:
    """The push of records an earlier push failed to land looks at what the commits do, not
    at their file names: a manifest moved under state/, a file beside the records, or a log
    that lost an entry stays here (hostile review, 2026-12-07)."""
    assert fleet.round(1).outcome is RoundOutcome.APPLIED
    remote_before = git(fleet.bare, "rev-parse", "main")
    change(fleet.agent.root)
    git(fleet.agent.root, "add", "-A")
    git(fleet.agent.root, "commit", "--quiet", "-m", "tidy")
    fleet.push("add beta", lambda repo: repo.write_model("beta-model"))
    report = fleet.round(2)
    assert report.outcome is RoundOutcome.FAILED and refusal in str(report.error), report
    assert git(fleet.bare, "log", "--format=%s", "-1", "main").strip() == "add beta"
    assert git(fleet.bare, "rev-parse", "main^") == remote_before  # nothing of ours
    assert "creds.env" not in git(fleet.bare, "ls-tree", "-r", "--name-only", "main")


def test_left_records_that_do_not_verify_fail_each_round_saying_what_to_do_and_stay(
    fleet: Fleet, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert fleet.round(1).outcome is RoundOutcome.APPLIED
    fleet.push("add beta", lambda repo: repo.write_model("beta-model"))
    with monkeypatch.context() as patched:
        kill_at(patched, "commit_and_push")
        with pytest.raises(Killed):
            fleet.round(2)
    log = fleet.agent.root / "state" / ENV / "audit.jsonl"
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    log.write_text("".join(lines[1:]), encoding="utf-8")  # a committed entry removed
    left, head = log.read_bytes(), git(fleet.agent.root, "rev-parse", "HEAD")
    for number in (3, 4):
        report = fleet.round(number)
        assert report.outcome is RoundOutcome.FAILED and report.exit_code == 1
        assert "cannot be committed" in str(report.error)
        assert f"git checkout -- state/{ENV}" in str(report.error)
    assert log.read_bytes() == left and git(fleet.agent.root, "rev-parse", "HEAD") == head


def test_an_agent_following_another_remote_pushes_records_and_holds_the_lease_there(
    fleet: Fleet, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sync --remote upstream`` with an ``origin`` that is a fork: every record, a killed
    round's leftovers included, and the lease go to ``upstream``; the fork is never written
    (they all went to origin until 2026-12-07; hostile review)."""
    root = fleet.agent.root
    git(root, "remote", "rename", "origin", "upstream")
    fork = fleet.tmp / "fork.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(fleet.bare), str(fork)], check=True)
    git(root, "remote", "add", "origin", str(fork))
    fork_head = git(fork, "rev-parse", "main")
    assert fleet.round(1, remote="upstream").outcome is RoundOutcome.APPLIED
    fleet.push("add beta", lambda repo: repo.write_model("beta-model"))
    with monkeypatch.context() as patched:
        kill_at(patched, "commit_and_push")
        with pytest.raises(Killed):
            fleet.round(2, remote="upstream")
    report = fleet.round(3, remote="upstream")
    assert report.error is None and report.notices, report
    assert git(root, "rev-parse", "HEAD") == git(fleet.bare, "rev-parse", "main")
    assert git(fork, "rev-parse", "main") == fork_head
    assert git(fork, "for-each-ref", "refs/reconcile").strip() == ""
    assert "MODEL_CREATED" in actions(remote_audit(fleet), "beta-model")
    assert fleet.round(4, remote="upstream").outcome is RoundOutcome.IN_SYNC


def test_an_agent_whose_only_remote_is_upstream_applies_and_pushes_there(fleet: Fleet) -> None:
    """No ``origin`` at all: the write-back check before the apply asks for the remote the
    agent follows (it asked for origin and failed every round until 2026-12-07)."""
    git(fleet.agent.root, "remote", "rename", "origin", "upstream")
    report = fleet.round(1, remote="upstream")
    assert report.outcome is RoundOutcome.APPLIED, report.error
    assert git(fleet.agent.root, "rev-parse", "HEAD") == git(fleet.bare, "rev-parse", "main")
