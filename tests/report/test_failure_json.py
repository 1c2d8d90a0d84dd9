"""With --format json every command prints one JSON document whatever its exit code.

Each command is run into every failure exit it can reach (1 invalid, 2 pending where it
means something, 3 incomplete, 4 blocked, 5 unreachable), and its stdout validates against
that command's schema in schemas/output/ (which accepts the failure document as well).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.sandbox import SystemClock
from reconciler.structs.errors import ExitCode
from tests.fixtures_engine import ENV, ConfigRepo
from tests.report.harness import reconcile
from tests.report.test_json_outputs import check

UNKNOWN = "nowhere"
# (schema, arguments): every command that takes an environment, pointed at one that is not there.
UNKNOWN_ENVIRONMENT = [
    ("plan", ["--env", UNKNOWN, "--dry-run"]),
    ("plan", ["plan", "--env", UNKNOWN]),
    ("apply", ["apply", "--env", UNKNOWN, "--yes"]),
    ("drift", ["drift", "--env", UNKNOWN]),
    ("cost", ["cost", "--env", UNKNOWN]),
    ("import", ["import", "--env", UNKNOWN]),
    ("promote", ["promote", "--from", ENV, "--to", UNKNOWN]),
    ("audit-verify", ["audit", "verify", "--env", UNKNOWN]),
    ("validate", ["validate", "--env", UNKNOWN]),
    ("unlock", ["unlock", "--env", UNKNOWN]),
    ("invoke", ["invoke", "--env", UNKNOWN, "alpha-model", "--input", "hello"]),
]
# Commands that call the Gateway API, against a port where nothing listens.
UNREACHABLE = [
    ("plan", ["--env", ENV, "--dry-run"]),
    ("plan", ["plan", "--env", ENV]),
    ("apply", ["apply", "--env", ENV, "--yes"]),
    ("drift", ["drift", "--env", ENV]),
    ("import", ["import", "--env", ENV]),
    ("invoke", ["invoke", "--env", ENV, "alpha-model", "--input", "hello"]),
]


def ran(repo: ConfigRepo, schema: str, args: list[str], code: int) -> dict[str, Any]:
    done = reconcile(repo, *args, "--format", "json")
    assert done.code == code, (args, done.out, done.err)
    return check(schema, done.out)


def failure(doc: dict[str, Any], code: int) -> dict[str, Any]:
    error: dict[str, Any] = doc["error"]
    assert error["exitCode"] == code and error["message"] and error["code"]
    return error


@pytest.fixture
def offline(make_config_repo: Callable[[str], ConfigRepo]) -> ConfigRepo:
    repo = make_config_repo("http://127.0.0.1:9")
    repo.write_model("alpha-model")
    return repo


@pytest.mark.parametrize(("schema", "args"), UNKNOWN_ENVIRONMENT)
def test_exit_1_unknown_environment(offline: ConfigRepo, schema: str, args: list[str]) -> None:
    doc = ran(offline, schema, args, ExitCode.INVALID)
    if schema == "validate":
        assert doc.get("valid") is False or "error" in doc
    else:
        assert UNKNOWN in failure(doc, ExitCode.INVALID)["message"]


@pytest.mark.parametrize(("schema", "args"), UNREACHABLE)
def test_exit_5_unreachable(offline: ConfigRepo, schema: str, args: list[str]) -> None:
    assert failure(ran(offline, schema, args, ExitCode.UNREACHABLE), 5)["code"] == "unreachable"


def test_exit_1_invalid_manifest_carries_the_problems(offline: ConfigRepo) -> None:
    offline.write_model("beta-model", configuration={"temperature": 7})
    for schema, args in [("plan", ["plan", "--env", ENV]), ("apply", ["apply", "--env", ENV])]:
        doc = ran(offline, schema, args, ExitCode.INVALID)
        assert failure(doc, 1)["code"] == "validation-failed"
        assert [p["rule"] for p in doc["problems"]] == ["schema-maximum"]
    assert ran(offline, "validate", ["validate"], ExitCode.INVALID)["valid"] is False


def test_usage_errors_print_json_too() -> None:
    """A flag click refuses never reaches the boundary: ``main`` answers in JSON itself."""
    argv = ["plan", "--env", ENV, "--no-such-flag", "--format", "json"]
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", *argv],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == ExitCode.INVALID
    assert failure(check("plan", done.stdout), 1)["code"] == "usage"


@pytest.fixture
def live(
    sandbox_factory: Callable[..., Any], make_config_repo: Callable[[str], ConfigRepo]
) -> ConfigRepo:
    server = sandbox_factory(clock=SystemClock(), provision_seconds=(0.01, 0.02))
    repo = make_config_repo(server.base_url)
    repo.write_model("alpha-model")
    return repo


def test_exit_2_4_and_3_print_their_documents(live: ConfigRepo, tmp_path: Path) -> None:
    assert ran(live, "plan", ["plan", "--env", ENV], ExitCode.CHANGES_PENDING)["create"]
    assert ran(live, "drift", ["drift", "--env", ENV], ExitCode.CHANGES_PENDING)["driftFound"]
    live.write_environment(budget={"monthlyUsd": 1})
    for schema, args in [("plan", ["plan", "--env", ENV]), ("apply", ["apply", "--env", ENV])]:
        doc = ran(live, schema, [*args, "--yes"] if schema == "apply" else args, 4)
        assert doc["cost"]["breach"]
    live.write_environment()
    saved = tmp_path / "plan.json"
    ran(live, "plan", ["plan", "--env", ENV, "--out", str(saved)], ExitCode.CHANGES_PENDING)
    live.write_model("beta-model")
    stale = ran(live, "apply", ["apply", "--env", ENV, "--plan", str(saved), "--yes"], 4)
    assert failure(stale, 4)["code"] == "stale-plan" and stale["differences"]
    live.environ["OPENAI_API_KEY"] = "not-an-openai-key"  # the sandbox's provider refuses it
    doc = ran(live, "apply", ["apply", "--env", ENV, "--yes"], ExitCode.INCOMPLETE)
    assert {o["state"] for o in doc["result"]["outcomes"]} == {"FAILED"}
    assert json.dumps(doc).count("not-an-openai-key") == 0
