"""Validation messages quote what a manifest holds: short, on one line, never a key.

A hostile manifest put a newline and markdown in ``spec.modelId`` (the action's comment closed
its code fence early and rendered the HTML and the mention) and a key in a 1000-character
description (``schema-maxLength`` repeated it whole, in every format).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.manifests.quoting import quoted
from reconciler.structs.display import visible

KEY = "sk-proj-Zq8XkP2mVn4LrT6yWb9cHd3fJg5sKa7e"
HOSTILE_ID = (
    "gpt-4o-mini\n```\n</details><img src=x onerror=alert(1)>\n@octocat please approve #1\n"
)
MODEL = "environments/dev/models/support-classifier.yaml"


def _validate(root: Path, *args: str) -> str:
    result = CliRunner().invoke(
        cli, ["validate", "--root", str(root), "--env", "dev", *args], catch_exceptions=False
    )
    assert result.exit_code == 1, result.output
    return result.stdout


def _edit(root: Path, labels: dict[str, str] | None = None, **spec: object) -> None:
    path = root / MODEL
    doc = yaml.safe_load(path.read_text())
    doc["spec"].update(spec)
    doc["metadata"]["labels"].update(labels or {})
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "markdown"])
def test_a_key_in_a_value_too_long_is_never_printed(shipped_config: Path, fmt: str) -> None:
    _edit(
        shipped_config,
        labels={"big": KEY + "y" * 300},
        description=f"key: {KEY} " + "x" * 1000,
        modelId=f"gpt-x {KEY}",
    )
    out = _validate(shipped_config, "--format", fmt)
    assert out.count("schema-maxLength") >= 2 and "model-unknown" in out
    assert "y" * 100 not in out
    assert KEY[8:] not in out and KEY[:12] not in out
    assert "x" * 100 not in out  # the value is not repeated either


def test_size_and_type_failures_say_the_limit_not_the_description(shipped_config: Path) -> None:
    _edit(shipped_config, description="x" * 1001, configuration={"maxTokens": "many"})
    problems = json.loads(_validate(shipped_config, "--format", "json"))["problems"]
    by_rule = {p["rule"]: p for p in problems}
    too_long = by_rule["schema-maxLength"]
    assert too_long["message"] == "spec.description: is longer than 1000 character(s) (got 1001)"
    assert too_long["fix"] == "shorten it to 1000 characters or fewer"
    assert by_rule["schema-type"]["fix"] == "write a value of type integer"


def test_a_model_id_with_newlines_stays_on_its_line(shipped_config: Path) -> None:
    _edit(shipped_config, modelId=HOSTILE_ID)
    lines = _validate(shipped_config).splitlines()
    assert lines[-1].startswith("invalid:")
    assert all(line.startswith(MODEL) for line in lines[:-1]), lines
    unknown = next(line for line in lines if "[model-unknown]" in line)
    assert "model 'gpt-4o-mini\\n```\\n</details>" in unknown


def test_a_file_name_with_a_newline_stays_on_its_line(shipped_config: Path) -> None:
    models = shipped_config / "environments/dev/models"
    (models / "support-classifier.yaml").rename(models / "x\n```\n@octocat.yaml")
    lines = _validate(shipped_config).splitlines()
    assert lines[-1].startswith("invalid:")
    assert all(
        line.startswith("environments/dev/models/x\\n```\\n@octocat.yaml") for line in lines[:-1]
    )


def test_a_workflow_command_in_a_file_name_or_key_is_written_inert(shipped_config: Path) -> None:
    """'##[' is a workflow command on any line of a CI log (found by a review: a problem was
    escaped only when it held an invisible character)."""
    models = shipped_config / "environments/dev/models"
    with (models / "support-classifier.yaml").open("a", encoding="utf-8") as manifest:
        manifest.write('"##[error]k": 1\n')
    (models / "##[add-mask]x.yaml").write_text("name: x\n", encoding="utf-8")
    out = _validate(shipped_config)
    assert "##[" not in out
    assert "##\\u005Badd-mask]x.yaml" in out and "##\\u005Berror]k" in out


def test_quoted_masks_shortens_and_escapes() -> None:
    assert quoted(f"a {KEY} b") == "'a sk-p… b'"
    assert quoted("é\u202egnp.exe\u200b") == "'é\\u202Egnp.exe\\u200B'"
    assert quoted("y" * 100) == "'" + "y" * 59 + "…'"
    assert quoted(12) == "12"


def test_visible_escapes_every_control_and_format_character() -> None:
    import sys
    import unicodedata

    missed = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Zl", "Zp")
        and visible(chr(code)) == chr(code)
    ]
    assert missed == []


def test_the_main_jobs_json_error_holds_no_key(shipped_config: Path) -> None:
    _edit(shipped_config, description=f"key: {KEY} " + "x" * 1000, modelId=f"gpt-x {KEY}")
    result = CliRunner().invoke(
        cli,
        ["--root", str(shipped_config), "--env", "dev", "--dry-run", "--format", "json"],
        catch_exceptions=False,
    )
    doc = json.loads(result.stdout)
    assert doc["error"]["code"] == "validation-failed"
    assert KEY[8:] not in result.stdout + result.stderr


def test_a_response_schema_error_quotes_its_value_short(shipped_config: Path) -> None:
    _edit(shipped_config, responseSchema={"type": "object", "properties": {"a": 5 * ("z" * 200)}})
    problems = json.loads(_validate(shipped_config, "--format", "json"))["problems"]
    message = next(p["message"] for p in problems if p["rule"] == "response-schema")
    assert message.startswith("spec.responseSchema.properties.a is not valid JSON Schema: ")
    assert len(message) < 250 and "z" * 200 not in message


def test_a_key_in_a_yaml_tag_is_masked(shipped_config: Path) -> None:
    path = shipped_config / MODEL
    path.write_text(path.read_text().replace("description:", f"description: !{KEY}", 1))
    problems = json.loads(_validate(shipped_config, "--format", "json"))["problems"]
    assert [p["rule"] for p in problems] == ["yaml-tag"]
    assert KEY[8:] not in problems[0]["message"] and "'!sk-p…'" in problems[0]["message"]
