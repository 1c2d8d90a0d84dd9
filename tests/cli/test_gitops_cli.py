"""Issue 7's acceptance, as a user runs it: --commit, audit verify, drift, import, promote."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reconciler.sandbox import SandboxServer, SandboxSettings
from reconciler.sandbox.embedded import STATE_DIR
from reconciler.structs.errors import ExitCode
from tests.fixtures_engine import default_client
from tests.fixtures_gitops import configure, git

SHIPPED = Path(__file__).resolve().parents[2] / "environments"
CANARY = "sk-canary-7a1f0c9e5b3d2e4f6a8b"


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STAGING_OPENAI_API_KEY": CANARY}
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


def apply(root: Path) -> None:
    result = cli(root, "--env", "staging", "--sandbox", "--yes", "--commit")
    assert result.returncode == ExitCode.OK, result.stderr + result.stdout


def edit_live(root: Path, name: str, **changes: Any) -> None:
    """Change a model behind git's back, through the sandbox API itself."""
    state = root / STATE_DIR / "staging.json"
    with (
        SandboxServer(SandboxSettings(state_file=state)) as server,
        default_client(server) as client,
    ):
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


def test_commit_touches_only_state_and_audit_detects_any_edit(repo: Path) -> None:
    apply(repo)
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


def test_drift_names_the_field_changed_outside_git(repo: Path) -> None:
    apply(repo)
    assert cli(repo, "drift", "--env", "staging", "--sandbox").returncode == ExitCode.OK
    edit_live(repo, "support-classifier", temperature=0.9)
    result = cli(repo, "drift", "--env", "staging", "--sandbox", "--format", "json")
    assert result.returncode == ExitCode.CHANGES_PENDING, result.stderr
    doc = json.loads(result.stdout)
    (item,) = doc["drifted"]
    assert item["name"] == "support-classifier"
    (fix,) = doc["update"]  # the lists of CONTRACT section 4: what an apply would do now
    assert fix["name"] == "support-classifier" and doc["formatVersion"] == 1
    assert [c["path"] for c in item["changes"]] == ["configuration.temperature"]
    recorded = cli(repo, "drift", "--env", "staging", "--sandbox", "--commit")
    assert recorded.returncode == ExitCode.CHANGES_PENDING
    last = json.loads((repo / "state/staging/audit.jsonl").read_text().splitlines()[-1])
    assert last["action"] == "DRIFT_DETECTED" and last["model"] == "support-classifier"
    assert cli(repo, "--env", "staging", "--sandbox", "--yes").returncode == ExitCode.OK
    assert cli(repo, "drift", "--env", "staging", "--sandbox").returncode == ExitCode.OK


def test_import_then_plan_shows_no_changes(repo: Path) -> None:
    apply(repo)
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
    assert "requestsPerDay: 2000" in text  # usage comes back from the last snapshot
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
