"""`reconcile schema`: the shipped schemas by name, for editors and CI."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from reconciler.cli.main import cli

REPO = Path(__file__).resolve().parents[2]


def test_without_a_name_it_lists_manifest_and_output_schemas() -> None:
    done = CliRunner().invoke(cli, ["schema"])
    assert done.exit_code == 0, done.output
    names = [line.split("\t")[0] for line in done.output.splitlines()]
    outputs = sorted(
        p.name.removesuffix(".schema.json") for p in (REPO / "schemas/output").iterdir()
    )
    assert names == ["environment", "model-endpoint", *outputs]


def test_a_name_prints_that_schema_exactly_as_shipped() -> None:
    done = CliRunner().invoke(cli, ["schema", "plan"])
    assert done.exit_code == 0
    assert done.output == (REPO / "schemas/output/plan.schema.json").read_text()
    assert json.loads(CliRunner().invoke(cli, ["schema", "environment"]).output)["$schema"]


def test_an_unknown_name_exits_1_and_names_the_choices() -> None:
    done = CliRunner().invoke(cli, ["schema", "plans"])
    assert done.exit_code == 1
    assert "no schema called 'plans'" in done.output and "plan, promote" in done.output
