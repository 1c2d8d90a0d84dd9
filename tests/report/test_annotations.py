"""`validate --format github` (workflow annotations) and `--format sarif` (SARIF 2.1.0).

The SARIF log is validated against the official SARIF 2.1.0 JSON Schema (draft-04), vendored
as ``data/sarif-2.1.0-rtm.5.json`` from the npm package ``@microsoft/jest-sarif`` 1.0.0-beta.0
(MIT, ``lib/schemas/sarif-2.1.0-rtm.5.json``, sha256 2d99159a...4de4f8); rtm.5 is the schema
of the OASIS SARIF 2.1.0 standard, also published by SchemaStore as sarif-2.1.0.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator

from reconciler.report.annotations import escape_data, escape_property, github_annotations
from reconciler.report.validation import ValidationReport
from reconciler.structs.errors import ExitCode
from reconciler.structs.problems import Problem, Severity
from tests.fixtures_engine import ConfigRepo
from tests.report.harness import reconcile

SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0-rtm.5.json").read_text())


def broken_repo(make_config_repo: Any) -> ConfigRepo:
    repo: ConfigRepo = make_config_repo("http://127.0.0.1:9")
    repo.write_model("alpha-model", configuration={"temperature": 7, "maxTokens": 500})
    repo.write_model("beta-model", credentials={"apiKey": "sk-live-1234567890abcdefghijklmnop"})
    return repo


def test_github_annotations_name_file_line_and_rule(make_config_repo: Any) -> None:
    repo = broken_repo(make_config_repo)
    done = reconcile(repo, "validate", "--format", "github")
    assert done.code == ExitCode.INVALID
    lines = done.out.splitlines()
    assert lines and all(line.startswith(("::error file=", "::warning file=")) for line in lines)
    alpha = next(line for line in lines if "alpha-model.yaml" in line)
    assert ",line=" in alpha and ",title=" in alpha and "temperature" in alpha.split("::", 2)[2]
    assert "sk-live-1234567890abcdefghijklmnop" not in done.out


def test_annotation_escaping_follows_the_actions_toolkit() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    # A problem's message is one line already (a newline in it is shown as \n, not obeyed).
    problem = Problem(Severity.WARNING, "env/a,b:c.yaml", 3, "rule:x", "bad\nvalue, 5%")
    text = github_annotations(ValidationReport([problem], ["dev"], valid=True))
    assert text == "::warning file=env/a%2Cb%3Ac.yaml,line=3,title=rule%3Ax::bad\\nvalue, 5%25\n"


def test_sarif_log_validates_against_the_sarif_2_1_0_schema(make_config_repo: Any) -> None:
    repo = broken_repo(make_config_repo)
    done = reconcile(repo, "validate", "--format", "sarif")
    assert done.code == ExitCode.INVALID
    log = json.loads(done.out)
    errors = [e.message for e in Draft4Validator(SARIF_SCHEMA).iter_errors(log)]
    assert not errors
    run = log["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert run["results"] and {r["level"] for r in run["results"]} <= {"error", "warning"}
    for result in run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
    lined = [r for r in run["results"] if "alpha-model" in json.dumps(r["locations"])]
    assert lined[0]["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_a_valid_tree_gives_an_empty_sarif_run_and_no_annotations(make_config_repo: Any) -> None:
    repo: ConfigRepo = make_config_repo("http://127.0.0.1:9")
    repo.write_model("alpha-model")
    sarif = reconcile(repo, "validate", "--format", "sarif")
    assert sarif.code == ExitCode.OK and json.loads(sarif.out)["runs"][0]["results"] == []
    assert not list(Draft4Validator(SARIF_SCHEMA).iter_errors(json.loads(sarif.out)))
    assert reconcile(repo, "validate", "--format", "github").out == ""


def test_a_validate_that_cannot_start_still_prints_its_format(make_config_repo: Any) -> None:
    """An unknown environment printed nothing on stdout in github and sarif formats: the
    workflow's SARIF upload then failed on an empty file instead of showing the error."""
    repo = broken_repo(make_config_repo)
    sarif = reconcile(repo, "validate", "--env", "nosuch", "--format", "sarif")
    assert sarif.code == ExitCode.INVALID
    log = json.loads(sarif.out)
    assert not [e.message for e in Draft4Validator(SARIF_SCHEMA).iter_errors(log)]
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "nosuch" in invocation["toolExecutionNotifications"][0]["message"]["text"]
    github = reconcile(repo, "validate", "--env", "nosuch", "--format", "github")
    assert github.code == ExitCode.INVALID
    assert github.out.startswith("::error::unknown environment") and "nosuch" in github.out
