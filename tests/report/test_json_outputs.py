"""Every command's JSON output validates against its documented schema in schemas/output/."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from reconciler.sandbox import SystemClock
from reconciler.structs.errors import ExitCode
from tests.fixtures_engine import ENV, ConfigRepo
from tests.report.harness import reconcile

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas" / "output"


def check(name: str, text: str) -> dict[str, Any]:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    document: dict[str, Any] = json.loads(text)
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(document)]
    assert not errors, f"{name}: {errors}"
    return document


def test_every_command_s_json_output_validates_against_its_schema(
    sandbox_factory: Callable[..., Any], make_config_repo: Callable[[str], ConfigRepo]
) -> None:
    server = sandbox_factory(clock=SystemClock(), provision_seconds=(0.05, 0.1))
    repo = make_config_repo(server.base_url)
    repo.write_model("support-classifier", healthCheck={"input": "My invoice is wrong"})
    repo.write_model("ticket-router")
    checked: list[str] = []

    def ran(schema: str, *args: str, code: int = ExitCode.OK) -> dict[str, Any]:
        done = reconcile(repo, *args, "--format", "json")
        assert done.code == code, done.out + done.err
        checked.append(schema)
        return check(schema, done.out)

    plan = ran("plan", "--env", ENV, "--dry-run", code=ExitCode.CHANGES_PENDING)
    assert [i["name"] for i in plan["create"]] == ["support-classifier", "ticket-router"]
    applied = ran("apply", "--env", ENV, "--yes")
    assert {o["state"] for o in applied["result"]["outcomes"]} == {"ACTIVE"}
    repo.write_model("ticket-router", configuration={"temperature": 0.4})
    plan = ran("plan", "--env", ENV, "--dry-run", code=ExitCode.CHANGES_PENDING)
    assert plan["update"][0]["changes"][0]["keys"] == ["configuration", "maxTokens"]
    drift = ran("drift", "drift", "--env", ENV, code=ExitCode.CHANGES_PENDING)
    assert [i["name"] for i in drift["pending"]] == ["ticket-router"]
    ran("cost", "cost", "--env", ENV)
    ran("import", "import", "--env", ENV, "--force", "support-classifier")
    dev = repo.root / "environments" / "dev"
    shutil.copytree(repo.root / "environments" / ENV, dev)
    (dev / "environment.yaml").write_text(
        (dev / "environment.yaml").read_text().replace(f"name: {ENV}", "name: dev")
    )
    repo.write_model("support-classifier", description="promoted from staging")
    ran("promote", "promote", "--from", ENV, "--to", "dev", "--dry-run", code=2)
    ran("audit-verify", "audit", "verify")
    ran("validate", "validate")
    ran("unlock", "unlock", "--env", ENV)
    ran("invoke", "invoke", "--env", ENV, "support-classifier", "--input", "Where is my parcel?")
    assert set(checked) == {p.name.removesuffix(".schema.json") for p in SCHEMAS.iterdir()}
