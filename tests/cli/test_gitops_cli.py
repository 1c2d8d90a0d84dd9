"""Issue 7's acceptance, as a user runs it: --commit, audit verify, drift, import, promote.

Git write-back is tested against a sandbox server reached by URL (``served``), as a team
tests it: a ``--sandbox`` run's records stay under ``.reconciler/sandbox/`` and are never
committed, so ``--sandbox --commit`` is refused.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from reconciler.gitops.filelock import FileLock, lock_path
from reconciler.gitops.holder import Holder
from reconciler.sandbox import SandboxServer
from reconciler.structs.errors import ExitCode
from tests.fixtures_engine import default_client
from tests.fixtures_gitops import configure, git

SHIPPED = Path(__file__).resolve().parents[2] / "environments"
CANARY = "sk-canary-7a1f0c9e5b3d2e4f6a8b"
# What a run against a sandbox server by URL needs: its default client, and a key per provider
# in the format the sandbox accepts (an embedded sandbox needs none of them).
SERVED_ENV = {
    "GENESYS_STAGING_CLIENT_ID": "sandbox",
    "GENESYS_STAGING_CLIENT_SECRET": "sandbox-secret",
    "STAGING_OPENAI_API_KEY": CANARY,
    "STAGING_ANTHROPIC_API_KEY": "sk-ant-canary-3c5e7a9b1d2f4e6a",
    "STAGING_AZURE_OPENAI_API_KEY": "0123456789abcdef0123456789abcdef",
    "STAGING_BEDROCK_API_KEY": "ABSKcanary5d7f9b1c3e",
}


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **SERVED_ENV}
    return subprocess.run(
        [sys.executable, "-m", "reconciler", *args, "--root", str(root)],
        check=False,
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "config"
    shutil.copytree(SHIPPED, root / "environments")
    (root / ".gitignore").write_text(".reconciler/\n")
    git(root, "init", "--quiet", "-b", "main")
    configure(root)
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "manifests")
    return root


@pytest.fixture
def server(sandbox_factory: Any) -> SandboxServer:
    """The "real" Gateway of ``served``: a sandbox server on loopback, provisioning at once."""
    started: SandboxServer = sandbox_factory(provision_seconds=(0.0, 0.05))
    return started


@pytest.fixture
def served(repo: Path, server: SandboxServer) -> Path:
    """``repo`` with staging pointed at ``server`` by URL, committed."""
    path = repo / "environments" / "staging" / "environment.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["spec"] |= {"apiBaseUrl": server.base_url, "loginBaseUrl": server.base_url}
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    git(repo, "commit", "--quiet", "-am", "staging on a sandbox server")
    return repo


def apply(root: Path, *how: str) -> subprocess.CompletedProcess[str]:
    """The main job on staging with ``how`` (``--commit`` against ``served``, or
    ``--sandbox``)."""
    result = cli(root, "--env", "staging", "--yes", *how)
    assert result.returncode == ExitCode.OK, result.stderr + result.stdout
    return result


def edit_live(server: SandboxServer, name: str, **changes: Any) -> None:
    """Change a model behind git's back, through the sandbox API itself."""
    with default_client(server) as client:
        model = client.find_model_by_name(name)
        assert model is not None
        body = {
            k: v
            for k, v in model.items()
            if k
            not in (
                "id",
                "status",
                "errorReason",
                "errors",
                "dateCreated",
                "dateModified",
                "selfUri",
            )
        }
        body["configuration"] = {**body.get("configuration", {}), **changes}
        client.update_model(str(model["id"]), body)


def test_commit_touches_only_state_and_audit_detects_any_edit(served: Path) -> None:
    repo = served
    apply(repo, "--commit")
    message = git(repo, "log", "-1", "--format=%B")
    files = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    patch = git(repo, "log", "-p")
    assert "[skip ci]" in message
    assert sorted(files) == ["state/staging/audit.jsonl", "state/staging/snapshot.json"]
    assert cli(repo, "audit", "verify", "--env", "staging").returncode == 0
    log = repo / "state" / "staging" / "audit.jsonl"
    original = log.read_bytes()
    for offset in (10, len(original) // 2, len(original) - 5):
        tampered = bytearray(original)
        tampered[offset] = ord("0") if tampered[offset] != ord("0") else ord("1")
        log.write_bytes(bytes(tampered))
        result = cli(repo, "audit", "verify", "--env", "staging")
        assert result.returncode == ExitCode.INVALID, offset
        assert "line" in result.stdout + result.stderr
    lines = original.splitlines(keepends=True)
    log.write_bytes(b"".join(lines[:-1]))  # the chain alone stays valid: the snapshot's anchor
    result = cli(repo, "audit", "verify", "--env", "staging")
    assert result.returncode == ExitCode.INVALID and f"line {len(lines)}" in result.stdout
    log.write_bytes(original)
    assert CANARY not in patch and "sandbox-secret" not in patch  # the whole history


def test_drift_names_the_field_changed_outside_git(served: Path, server: SandboxServer) -> None:
    repo = served
    apply(repo, "--commit")
    assert cli(repo, "drift", "--env", "staging").returncode == ExitCode.OK
    edit_live(server, "support-classifier", temperature=0.9)
    result = cli(repo, "drift", "--env", "staging", "--format", "json")
    assert result.returncode == ExitCode.CHANGES_PENDING, result.stderr
    doc = json.loads(result.stdout)
    (item,) = doc["drifted"]
    assert item["name"] == "support-classifier"
    (fix,) = doc["update"]  # the lists of CONTRACT section 4: what an apply would do now
    assert fix["name"] == "support-classifier" and doc["formatVersion"] == 1
    assert [c["path"] for c in item["changes"]] == ["configuration.temperature"]
    recorded = cli(repo, "drift", "--env", "staging", "--commit")
    assert recorded.returncode == ExitCode.CHANGES_PENDING
    last = json.loads((repo / "state/staging/audit.jsonl").read_text().splitlines()[-1])
    assert last["action"] == "DRIFT_DETECTED" and last["model"] == "support-classifier"
    assert git(repo, "status", "--porcelain") == ""  # the record is committed
    assert cli(repo, "--env", "staging", "--yes").returncode == ExitCode.OK
    assert cli(repo, "drift", "--env", "staging").returncode == ExitCode.OK


def test_import_then_plan_shows_no_changes(repo: Path) -> None:
    apply(repo, "--sandbox")
    models = repo / "environments" / "staging" / "models"
    refused = cli(repo, "import", "--env", "staging", "--sandbox")
    assert refused.returncode == ExitCode.INVALID and "--force" in refused.stderr
    forced = cli(repo, "import", "--env", "staging", "--sandbox", "--force")
    assert forced.returncode == ExitCode.OK, forced.stderr
    kept = (models / "support-classifier.yaml").read_text()  # the manifest's own side survives
    assert "${STAGING_OPENAI_API_KEY}" in kept and "requestsPerDay: 2000" in kept
    plan = cli(repo, "--env", "staging", "--sandbox", "--dry-run", "--format", "json")
    assert plan.returncode == ExitCode.OK, plan.stdout + plan.stderr  # same keys: no change
    shutil.rmtree(models)
    imported = cli(repo, "import", "--env", "staging", "--sandbox")
    assert imported.returncode == ExitCode.OK, imported.stderr
    assert "usage-missing" not in imported.stderr
    text = (models / "support-classifier.yaml").read_text()
    assert "${SUPPORT_CLASSIFIER_API_KEY}" in text and "reconcile/" not in text
    assert "requestsPerDay: 2000" in text  # usage comes back from the sandbox's snapshot
    assert cli(repo, "validate", "--env", "staging").returncode == ExitCode.OK  # budget kept
    plan = cli(repo, "--env", "staging", "--sandbox", "--dry-run", "--format", "json")
    doc = json.loads(plan.stdout)
    for item in doc["update"]:  # secrets are the only difference: new variable names
        assert {c["path"] for c in item["changes"]} == {"labels.reconcile/credentials-sha256"}
    assert doc["create"] == doc["replace"] == doc["delete"] == []


def test_promote_keeps_target_credentials_and_prints_the_diff(repo: Path) -> None:
    target = repo / "environments" / "staging" / "models" / "support-classifier.yaml"
    before = target.read_text()
    result = cli(repo, "promote", "--from", "dev", "--to", "staging", "support-classifier")
    assert result.returncode == ExitCode.OK, result.stderr
    after = target.read_text()
    assert after != before and result.stdout.startswith("---")
    source = (repo / "environments" / "dev" / "models" / "support-classifier.yaml").read_text()
    assert "STAGING_OPENAI_API_KEY" in after and "DEV_OPENAI_API_KEY" in source
    assert "DEV_OPENAI_API_KEY" not in after
    assert cli(repo, "validate", "--env", "staging").returncode == ExitCode.OK


def test_a_sandbox_run_keeps_its_records_beside_the_emulator(repo: Path) -> None:
    first = apply(repo, "--sandbox")
    records = repo / ".reconciler" / "sandbox" / "state" / "staging"
    assert "Snapshot written: .reconciler/sandbox/state/staging/snapshot.json" in first.stdout
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert not (repo / "state").exists()
    assert json.loads((records / "snapshot.json").read_text())["serial"] == 1
    log = (records / "audit.jsonl").read_text().splitlines()
    actions = [json.loads(line)["action"] for line in log]
    assert actions.count("MODEL_CREATED") >= 2 and actions[-1] == "CONFIG_SYNC"
    rerun = cli(repo, "--env", "staging", "--sandbox", "--dry-run", "--format", "json")
    assert rerun.returncode == ExitCode.OK, rerun.stdout + rerun.stderr  # planned from there
    assert json.loads(rerun.stdout)["noop"] and not json.loads(rerun.stdout)["update"]
    assert cli(repo, "drift", "--env", "staging", "--sandbox").returncode == ExitCode.OK
    verified = cli(repo, "audit", "verify", "--sandbox", "--format", "json")
    assert verified.returncode == ExitCode.OK, verified.stdout + verified.stderr
    [checked] = json.loads(verified.stdout)["environments"]
    assert checked["path"] == ".reconciler/sandbox/state/staging/audit.jsonl"
    assert checked["entries"] == len(actions)
    assert cli(repo, "audit", "verify").stdout == "no audit logs under state/\n"
    no_history = cli(repo, "audit", "verify", "--sandbox", "--history")
    assert no_history.returncode == ExitCode.INVALID and "drop --history" in no_history.stderr


def test_a_sandbox_run_neither_waits_for_nor_is_reported_as_the_gateways_run(repo: Path) -> None:
    def holder(run: str) -> Holder:
        return Holder.for_run(actor="ci", run=run, environ={})

    real = FileLock(repo, "staging")
    real.acquire(holder("real-apply"), timeout=0)
    try:  # a real apply holds staging: the emulator's run does not wait for it
        ran = cli(repo, "--env", "staging", "--yes", "--sandbox", "--lock-timeout", "0")
        assert ran.returncode == ExitCode.OK, ran.stdout + ran.stderr
    finally:
        real.release()
    dead = lock_path(repo, "staging", sandbox=True)  # a sandbox run died holding its lock
    dead.write_text(holder("sandbox-run").to_text())
    for sandbox, left in ((False, None), (True, "sandbox-run")):
        lock = FileLock(repo, "staging", sandbox=sandbox)
        found = lock.acquire(holder("next"), timeout=0)
        lock.release()
        assert (found.run if found else None) == left  # only the next sandbox run reports it


@pytest.mark.parametrize("asked", [("--commit",), ("--push",), ("--commit", "--push")])
def test_sandbox_with_commit_or_push_is_refused_and_changes_nothing(
    repo: Path, asked: tuple[str, ...]
) -> None:
    head = git(repo, "rev-parse", "HEAD")
    for command in (["--env", "staging", "--yes"], ["drift", "--env", "staging"]):
        refused = cli(repo, *command, "--sandbox", *asked)
        assert refused.returncode == ExitCode.INVALID, refused.stdout + refused.stderr
        said = " ".join(refused.stderr.split())
        assert f"--sandbox cannot go with {' and '.join(asked)}" in said
        assert "they stay under .reconciler/sandbox/ and are never committed" in said
        assert "Drop --commit/--push" in said and "loginBaseUrl/apiBaseUrl" in said
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert not (repo / ".reconciler").exists()  # no emulator was even started


def test_a_real_run_after_a_sandbox_run_commits_nothing_of_the_sandbox(served: Path) -> None:
    repo = served
    apply(repo, "--sandbox")  # the emulator, in the same checkout
    sandbox_log = (repo / ".reconciler/sandbox/state/staging/audit.jsonl").read_bytes()
    base = git(repo, "rev-parse", "HEAD").strip()
    real = apply(repo, "--commit")  # the "real" Gateway: the sandbox server by URL
    assert "interrupted run" not in real.stderr  # nothing taken for a crashed run's leftovers
    assert git(repo, "rev-list", "--count", f"{base}..HEAD").strip() == "1"
    files = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(files) == ["state/staging/audit.jsonl", "state/staging/snapshot.json"]
    snapshot = json.loads(git(repo, "show", "HEAD:state/staging/snapshot.json"))
    assert snapshot["serial"] == 1
    committed = git(repo, "show", "HEAD:state/staging/audit.jsonl").splitlines()
    sandbox_runs = {json.loads(line)["correlationId"] for line in sandbox_log.splitlines()}
    assert not sandbox_runs & {json.loads(line)["correlationId"] for line in committed}
    assert json.loads(committed[0])["prevHash"] == "0" * 64  # a chain of its own
    assert (repo / ".reconciler/sandbox/state/staging/audit.jsonl").read_bytes() == sandbox_log
    assert cli(repo, "audit", "verify", "--env", "staging").returncode == ExitCode.OK
