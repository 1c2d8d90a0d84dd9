"""The main job as a user runs it: a subprocess, a sandbox server, exit codes and output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest

from reconciler.sandbox import SystemClock
from reconciler.structs.errors import ExitCode
from tests.fixtures_engine import ENV, KEYS, ConfigRepo
from tests.proc_status import interruptible, signal_status


def reconcile(
    repo: ConfigRepo, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reconciler", *args, "--root", str(repo.root)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        input=stdin,
        env={**os.environ, **repo.environ},
    )


def fast_repo(
    sandbox_factory: Callable[..., Any], make_config_repo: Callable[[str], ConfigRepo]
) -> ConfigRepo:
    server = sandbox_factory(clock=SystemClock(), provision_seconds=(0.05, 0.1))
    repo = make_config_repo(server.base_url)
    repo.write_model("alpha-model")
    repo.write_model("beta-model")
    return repo


def test_dry_run_exit_2_then_apply_then_noop(sandbox_factory: Any, make_config_repo: Any) -> None:
    repo = fast_repo(sandbox_factory, make_config_repo)
    dry = reconcile(repo, "--env", ENV, "--dry-run")
    assert dry.returncode == ExitCode.CHANGES_PENDING, dry.stderr
    assert "2 to create" in dry.stdout and "+ alpha-model (create)" in dry.stdout
    applied = reconcile(repo, "--env", ENV, "--yes")
    assert applied.returncode == ExitCode.OK, applied.stderr
    assert "alpha-model: ACTIVE" in applied.stderr  # one plain progress line per state change
    again = reconcile(repo, "--env", ENV, "--dry-run", "--format", "json")
    assert again.returncode == ExitCode.OK
    doc = json.loads(again.stdout)
    assert doc["formatVersion"] == 1 and [i["name"] for i in doc["noop"]] == [
        "alpha-model",
        "beta-model",
    ]
    for text in (dry.stdout, dry.stderr, applied.stdout, applied.stderr, again.stdout):
        assert KEYS["OPENAI_API_KEY"] not in text


def test_without_a_terminal_apply_needs_yes(sandbox_factory: Any, make_config_repo: Any) -> None:
    repo = fast_repo(sandbox_factory, make_config_repo)
    result = reconcile(repo, "--env", ENV, stdin="")
    assert result.returncode == ExitCode.INVALID
    assert "--yes" in result.stderr
    assert not (repo.root / "state").exists()


def test_markdown_plan_is_a_pr_comment(sandbox_factory: Any, make_config_repo: Any) -> None:
    repo = fast_repo(sandbox_factory, make_config_repo)
    result = reconcile(repo, "--env", ENV, "--dry-run", "--format", "markdown")
    assert result.returncode == ExitCode.CHANGES_PENDING
    assert result.stdout.startswith("### reconcile plan: `staging`")
    assert "<details>" in result.stdout and KEYS["OPENAI_API_KEY"] not in result.stdout


def test_unreachable_api_exits_5(make_config_repo: Any) -> None:
    repo = make_config_repo("http://127.0.0.1:9")
    repo.write_model("alpha-model")
    result = reconcile(repo, "--env", ENV, "--dry-run")
    assert result.returncode == ExitCode.UNREACHABLE, result.stderr


def test_bad_credentials_exit_5(sandbox_factory: Any, make_config_repo: Any) -> None:
    repo = fast_repo(sandbox_factory, make_config_repo)
    repo.environ["GENESYS_CLIENT_SECRET"] = "wrong-secret-value"
    result = reconcile(repo, "--env", ENV, "--dry-run")
    assert result.returncode == ExitCode.UNREACHABLE
    assert "wrong-secret-value" not in result.stderr + result.stdout


def test_invalid_manifest_exits_1_naming_file_and_line(
    sandbox_factory: Any, make_config_repo: Any
) -> None:
    repo = fast_repo(sandbox_factory, make_config_repo)
    path = repo.root / "environments" / ENV / "models" / "alpha-model.yaml"
    path.write_text(path.read_text().replace("temperature: 0.1", "temperature: 7"))
    result = reconcile(repo, "--env", ENV, "--dry-run")
    assert result.returncode == ExitCode.INVALID
    assert "alpha-model.yaml:" in result.stderr and "temperature" in result.stderr


def test_a_missing_provider_key_is_not_compared_by_a_plan_and_named_by_an_apply(
    sandbox_factory: Any, make_config_repo: Any
) -> None:
    """Plans need only the OAuth client (CI gives pull-request jobs no provider keys)."""
    repo = fast_repo(sandbox_factory, make_config_repo)
    del repo.environ["OPENAI_API_KEY"]
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "reconciler", "--env", ENV, "--root", str(repo.root), *args],
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
            env={**env, **repo.environ},
        )

    plan = run("--dry-run")
    assert plan.returncode == ExitCode.CHANGES_PENDING, plan.stderr
    assert "2 to create" in plan.stdout  # nothing live yet to compare a key with
    applied = run("--yes")
    assert applied.returncode == ExitCode.INVALID
    assert "OPENAI_API_KEY" in applied.stderr


@pytest.mark.timeout(150)  # the start (up to 60 s when cold) and the stop (60 s)
def test_ctrl_c_stops_new_work_records_in_flight_and_exits_130(
    sandbox_factory: Any, make_config_repo: Any
) -> None:
    server = sandbox_factory(clock=SystemClock(), provision_seconds=(30.0, 30.0))
    repo = make_config_repo(server.base_url)
    for i in range(3):
        repo.write_model(f"model-{i}")
    with interruptible():
        proc = subprocess.Popen(
            [sys.executable, "-m", "reconciler", "--env", ENV, "--yes", "--root", str(repo.root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **repo.environ},
        )
    audit = repo.root / "state" / ENV / "audit.jsonl"
    deadline = time.monotonic() + 60  # a cold first import on a busy machine takes seconds
    while time.monotonic() < deadline:
        if audit.exists() and audit.read_text().count('"result":"ACCEPTED') >= 3:
            break
        time.sleep(0.05)
    status = signal_status(proc.pid)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == ExitCode.INTERRUPTED, f"{status}\n{err}"
    entries = [json.loads(line) for line in audit.read_text().splitlines()]
    actions = [e["action"] for e in entries if not e["result"].startswith("INTENT")]
    assert actions.count("MODEL_CREATED") == 3 and actions[-1] == "CONFIG_SYNC"
    snapshot = json.loads((repo.root / "state" / ENV / "snapshot.json").read_text())
    assert {m["status"] for m in snapshot["models"]} == {"PROVISIONING"}
    assert "interrupted" in (out + err)


def test_a_read_only_client_exits_5_and_records_nothing(
    sandbox_factory: Any, make_config_repo: Any
) -> None:
    from reconciler.sandbox import ClientSpec

    server = sandbox_factory(
        clock=SystemClock(),
        provision_seconds=(0.0, 0.0),
        clients=(ClientSpec("reader", "reader-secret", ("ai:models:read",)),),
    )
    repo = make_config_repo(server.base_url)
    repo.write_model("alpha-model")
    repo.environ.update(GENESYS_CLIENT_ID="reader", GENESYS_CLIENT_SECRET="reader-secret")
    result = reconcile(repo, "--env", ENV, "--yes")
    assert result.returncode == ExitCode.UNREACHABLE, result.stderr
    assert "ai:models:write" in result.stderr
    assert not (repo.root / "state").exists()  # nothing changed, nothing recorded


def test_a_blocked_apply_still_prints_its_json_plan(
    sandbox_factory: Any, make_config_repo: Any
) -> None:
    repo = fast_repo(sandbox_factory, make_config_repo)
    repo.write_environment(budget={"monthlyUsd": 1})
    result = reconcile(repo, "--env", ENV, "--yes", "--format", "json")
    assert result.returncode == ExitCode.BLOCKED
    doc = json.loads(result.stdout)
    assert doc["cost"]["breach"] and len(doc["create"]) == 2


def test_main_job_options_before_a_subcommand_are_refused(
    sandbox_factory: Any, make_config_repo: Any
) -> None:
    repo = fast_repo(sandbox_factory, make_config_repo)
    result = reconcile(repo, "--env", "nosuch", "validate")
    assert result.returncode == ExitCode.INVALID
    assert "put them after it" in result.stderr


def test_a_lock_timeout_before_a_subcommand_is_refused_not_ignored(
    sandbox_factory: Any, make_config_repo: Any
) -> None:
    repo = fast_repo(sandbox_factory, make_config_repo)
    result = reconcile(repo, "--lock-timeout", "5", "import", "--env", ENV)
    assert result.returncode == ExitCode.INVALID
    assert "reconcile import --lock-timeout SECONDS" in result.stderr
    assert reconcile(repo, "validate").returncode == ExitCode.OK  # the default is not "given"
    refused = reconcile(repo, "--lock-timeout", "5", "validate")
    assert refused.returncode == ExitCode.INVALID
    assert "'validate' takes no lock, so drop it" in refused.stderr
