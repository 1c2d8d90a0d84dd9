"""The field table is the one list of a model's fields: everything else agrees with it.

The schema, the OpenAPI ``ModelWrite`` and the sandbox are checked against the table; a round
trip (apply, import, plan) must be a noop for every field; and a field added to the table alone
(in a fixture) must flow through plan, apply, import and promote.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from reconciler.engine.jobs.importer import ImportRequest, run_import
from reconciler.engine.jobs.promote import run_promote
from reconciler.manifests.schemas import MODEL_SCHEMA, load_schema
from reconciler.structs import fields
from reconciler.structs.diffs import DiffOp
from reconciler.structs.errors import ExitCode
from reconciler.structs.fields import (
    FIELDS,
    Compare,
    Field,
    FieldTable,
    Promote,
    Restore,
    Show,
    Side,
)
from reconciler.structs.plan import Action
from tests.fixtures_engine import ENV, KEYS, ConfigRepo, Run, live_models
from tests.sandbox.api import MODELS, Api, model_body

OPENAPI = Path(__file__).resolve().parents[2] / "schemas" / "gateway-openapi.json"
TABLE = fields.MODEL_FIELDS
EVERY_FIELD: dict[str, Any] = {
    "description": "Sorts support tickets by category and urgency.",
    "credentials": {"apiKey": "${OPENAI_API_KEY}", "endpoint": "https://api.openai.com/v1"},
    "healthCheck": {"input": "My invoice is wrong"},
    "pricing": {"inputUsdPer1M": 0.1, "outputUsdPer1M": 0.4},
    "guard": {"mode": "flag", "maxInputChars": 4000},
}


def test_the_json_schema_describes_exactly_the_fields_of_the_table() -> None:
    schema = load_schema(MODEL_SCHEMA)["properties"]
    assert set(schema["spec"]["properties"]) == {f.name for f in TABLE.spec}
    assert set(schema["metadata"]["properties"]) == {f.name for f in TABLE.fields if f.metadata}


def test_the_openapi_model_write_sends_exactly_the_api_fields_of_the_table() -> None:
    write = json.loads(OPENAPI.read_text())["components"]["schemas"]["ModelWrite"]
    assert set(write["properties"]) - {"version"} == {f.name for f in TABLE.sent}
    assert set(write["required"]) == {f.name for f in TABLE.sent if f.required} - {"labels"}
    secret = write["properties"]["credentials"]["required"]
    assert tuple(secret) == TABLE.get("credentials").secrets  # type: ignore[union-attr]


def test_the_sandbox_stores_every_api_field_and_refuses_the_rest(sandbox: Any) -> None:
    api = Api(sandbox)
    created = api.create()
    read = api.get(created["id"]).json()
    assert {f.name for f in TABLE.sent} <= set(read)
    body = model_body("other-model", usage={"requestsPerDay": 1})
    refused = api.call("POST", MODELS, json=body)
    assert refused.status_code == 400 and "usage" in refused.text
    api.close()


def test_apply_import_plan_is_a_noop_for_every_field(run: Run, sandbox: Any) -> None:
    path = run.repo.write_model("support-classifier", **EVERY_FIELD)
    written = yaml.safe_load(path.read_text())
    assert set(written["spec"]) == {f.name for f in TABLE.spec}, "the fixture sets every field"
    assert run() == ExitCode.OK
    do_import(run.repo, "support-classifier", force=True)
    imported = yaml.safe_load(path.read_text())
    assert imported["spec"] == written["spec"]
    assert imported["metadata"] == written["metadata"]
    assert run(dry_run=True) == ExitCode.OK
    assert [i.action for i in run.plan.items] == [Action.NOOP]


@pytest.fixture
def routing_field(monkeypatch: pytest.MonkeyPatch) -> Field:
    """A field that exists only in the table: no schema entry, no code anywhere else."""
    added = Field("routing", Side.API, Compare.VALUE, Promote.COPY, Restore.LIVE, Show.INLINE)
    monkeypatch.setattr(fields, "MODEL_FIELDS", FieldTable((*FIELDS, added)))
    return added


def test_a_field_added_to_the_table_flows_through_plan_apply_import_and_promote(
    routing_field: Field, run: Run, sandbox: Any
) -> None:
    path = run.repo.write_model("support-classifier", routing="eu-first")
    assert run(dry_run=True) == ExitCode.CHANGES_PENDING
    (created,) = run.plan.items
    assert ("routing",) in [c.path for c in created.changes]

    assert run() == ExitCode.OK
    (live,) = live_models(sandbox)
    assert live["routing"] == "eu-first"

    run.repo.write_model("support-classifier", routing="us-first")
    assert run(dry_run=True) == ExitCode.CHANGES_PENDING
    (item,) = run.plan.items
    assert [(c.op, c.path, c.old, c.new) for c in item.changes] == [
        (DiffOp.CHANGE, ("routing",), "eu-first", "us-first")
    ]
    assert run() == ExitCode.OK

    path.unlink()
    do_import(run.repo, "support-classifier")
    assert yaml.safe_load(path.read_text())["spec"]["routing"] == "us-first"
    run.repo.environ["SUPPORT_CLASSIFIER_API_KEY"] = KEYS["OPENAI_API_KEY"]  # the same key
    assert run(dry_run=True) == ExitCode.OK

    dev = run.repo.root / "environments" / "dev"
    shutil.copytree(run.repo.root / "environments" / ENV, dev)
    (dev / "environment.yaml").write_text(
        (dev / "environment.yaml").read_text().replace(f"name: {ENV}", "name: dev")
    )
    run.repo.write_model("support-classifier", routing="eu-first")
    (done,) = run_promote(run.repo.root, source_env=ENV, target_env="dev")
    assert [c.dotted for c in done.changes] == ["spec.routing"]
    promoted = yaml.safe_load((dev / "models" / "support-classifier.yaml").read_text())
    assert promoted["spec"]["routing"] == "eu-first"


def do_import(repo: ConfigRepo, *names: str, force: bool = False) -> None:
    request = ImportRequest(
        root=repo.root, environment=ENV, names=names, force=force, environ=repo.environ
    )
    run_import(request)
