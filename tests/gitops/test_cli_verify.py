"""`reconcile audit verify`, run the way a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.gitops.snapshot import write_snapshot
from tests.fixtures_gitops import append_entries, write


def reconcile(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reconciler", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    append_entries(tmp_path / "state" / "dev" / "audit.jsonl", 3, env="dev")
    append_entries(tmp_path / "state" / "prod" / "audit.jsonl", 2, env="prod")
    return tmp_path


def _tamper(root: Path, env: str = "prod") -> None:
    path = root / "state" / env / "audit.jsonl"
    path.write_text(path.read_text().replace('"model":"m1"', '"model":"mX"'))


def test_all_valid_logs_pass(root: Path) -> None:
    done = reconcile("audit", "verify", "--root", str(root))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["dev: ok: 3 entries", "prod: ok: 2 entries"]


def test_a_tampered_log_fails_naming_line_and_reason_after_checking_all(root: Path) -> None:
    _tamper(root)
    done = reconcile("audit", "verify", "--root", str(root))
    assert done.returncode == 1
    dev, prod = done.stdout.splitlines()
    assert dev == "dev: ok: 3 entries"
    assert prod.startswith("prod: FAILED: state/prod/audit.jsonl line 2: hash does not match")


def test_env_option_checks_only_that_environment(root: Path) -> None:
    _tamper(root)
    done = reconcile("audit", "verify", "--env", "dev", "--root", str(root))
    assert (done.returncode, done.stdout) == (0, "dev: ok: 3 entries\n")


def test_json_report(root: Path) -> None:
    path = root / "state" / "dev" / "audit.jsonl"
    path.write_bytes(path.read_bytes()[:-10])
    done = reconcile("--format", "json", "audit", "verify", "--root", str(root))
    report = json.loads(done.stdout)
    assert done.returncode == 1 and report["formatVersion"] == 1 and report["ok"] is False
    dev = report["environments"][0]
    assert (dev["environment"], dev["firstBadLine"], dev["torn"], dev["entries"]) == (
        "dev",
        3,
        True,
        2,
    )
    assert report["environments"][1]["ok"] is True


def test_markdown_report_leads_with_the_summary(root: Path) -> None:
    _tamper(root)
    done = reconcile("audit", "verify", "--format", "markdown", "--root", str(root))
    assert done.returncode == 1
    assert done.stdout.startswith("**Audit logs failing: prod**")
    assert "| prod | FAILED | 1 | 2 |" in done.stdout


def test_a_deleted_log_beside_a_snapshot_fails(tmp_path: Path) -> None:
    write(tmp_path / "state" / "staging" / "snapshot.json", '{"serial": 4}\n')
    done = reconcile("audit", "verify", "--root", str(tmp_path))
    assert done.returncode == 1 and "audit.jsonl is missing" in done.stdout


def test_no_state_at_all_is_fine(tmp_path: Path) -> None:
    done = reconcile("audit", "verify", "--root", str(tmp_path))
    assert (done.returncode, done.stdout) == (0, "no audit logs under state/\n")


def test_an_unknown_env_is_an_error_naming_the_known_ones(root: Path) -> None:
    write(root / "environments" / "qa" / "environment.yaml", "kind: Environment\n")
    done = reconcile("audit", "verify", "--env", "nosuch", "--root", str(root))
    assert (done.returncode, done.stdout) == (1, "")
    assert "unknown environment 'nosuch' (known: dev, prod, qa)" in done.stderr
    known = reconcile("audit", "verify", "--env", "qa", "--root", str(root))
    assert (known.returncode, known.stdout) == (0, "qa: ok: 0 entries (no audit log yet)\n")


def test_deleting_the_last_line_after_a_snapshot_fails(root: Path) -> None:
    write_snapshot(root, "dev", models=[], git_commit=None)
    path = root / "state" / "dev" / "audit.jsonl"
    path.write_text("".join(path.read_text().splitlines(keepends=True)[:-1]))
    done = reconcile("audit", "verify", "--env", "dev", "--root", str(root))
    assert done.returncode == 1
    assert done.stdout.startswith("dev: FAILED: state/dev/audit.jsonl line 3: the log ends at")
