"""A planted secret handed to every write-back entry point reaches no file, commit or output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.gitops.audit import AuditLog, payload_hash
from reconciler.gitops.repo import commit_state, push_state
from reconciler.gitops.snapshot import write_snapshot
from reconciler.structs.errors import ConfigError
from tests.fixtures_gitops import CANARY, Remote, git


def _spec() -> dict:
    return {
        "name": "support-classifier",
        "provider": "openai",
        "credentials": {"apiKey": CANARY, "endpoint": "https://api.openai.com/v1"},
        "nested": [{"clientSecret": CANARY}],
    }


def _redacted(spec: dict) -> dict:
    creds = {k: v for k, v in spec["credentials"].items() if k != "apiKey"}
    return {"name": spec["name"], "provider": spec["provider"], "credentials": creds}


def test_canary_never_reaches_state_git_or_output(gitops_remote: Remote, tmp_path: Path) -> None:
    root = gitops_remote.a
    log = AuditLog(root / "state" / "staging" / "audit.jsonl")
    entry = log.append(
        environment="staging",
        action="MODEL_CREATED",
        model="support-classifier",
        model_id="id-1",
        payload_hash=payload_hash(_spec()),
        actor="tester",
        git_commit=None,
        correlation_id="run-1",
        result="ACTIVE",
    )
    assert entry["payloadHash"] == payload_hash(_redacted(_spec()) | {"nested": [{}]})
    with pytest.raises(ConfigError) as refused:
        write_snapshot(root, "staging", models=[_spec()], git_commit=None)
    assert CANARY not in refused.value.render()
    write_snapshot(root, "staging", models=[_redacted(_spec())], git_commit=None)
    assert commit_state(root, "staging", message="reconcile(staging): 1 create")
    assert push_state(root, sleep=lambda _s: None).pushed
    verify = subprocess.run(
        [sys.executable, "-m", "reconciler", "audit", "verify", "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert verify.returncode == 0
    outputs = [
        verify.stdout + verify.stderr,
        git(root, "log", "-p", "--all"),
        git(gitops_remote.bare, "log", "-p", "--all"),
        *(
            p.read_text(errors="replace")
            for p in root.rglob("*")
            if p.is_file() and ".git" not in p.parts
        ),
    ]
    assert "support-classifier" in outputs[1]  # the search covers what was written
    assert not [text for text in outputs if CANARY in text]
