"""``reconcile validate`` as a user runs it: exit codes, file:line messages, formats."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from reconciler.cli.validate import validate


def _run(*args: str) -> Result:
    return CliRunner().invoke(validate, list(args), catch_exceptions=False)


def _break(root: Path, env: str, model: str, old: str, new: str) -> Path:
    path = root / "environments" / env / "models" / f"{model}.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


def test_shipped_environments_pass(shipped_config: Path) -> None:
    result = _run("--root", str(shipped_config))
    assert result.exit_code == 0, result.output
    assert "valid: 0 error(s), 0 warning(s) in 3 environment(s) (dev, prod, staging)" in (
        result.stdout
    )


def test_repository_environments_pass_strictly() -> None:
    root = Path(__file__).resolve().parents[2]
    result = _run("--root", str(root), "--strict")
    assert result.exit_code == 0, result.output


def test_broken_copy_fails_naming_file_line_and_rule(shipped_config: Path) -> None:
    path = _break(
        shipped_config, "prod", "knowledge-answerer", "maxTokens: 1024", "maxTokens: 9000"
    )
    line = (
        path.read_text().splitlines().index("  configuration: {temperature: 0.0, maxTokens: 9000}")
    )
    result = _run("--root", str(shipped_config))
    assert result.exit_code == 1
    expected = f"environments/prod/models/knowledge-answerer.yaml:{line + 1}: error [max-tokens]"
    assert expected in result.stdout
    assert "invalid: 1 error(s)" in result.stdout


def test_env_option_limits_the_check(shipped_config: Path) -> None:
    _break(shipped_config, "prod", "reply-drafter", "temperature: 0.4", "temperature: 1.4")
    assert _run("--root", str(shipped_config), "--env", "dev", "--env", "staging").exit_code == 0
    assert _run("--root", str(shipped_config), "--env", "prod").exit_code == 1


def test_warnings_pass_unless_strict(shipped_config: Path) -> None:
    _break(
        shipped_config,
        "dev",
        "support-classifier",
        "<ticket>\n    {input}\n    </ticket>",
        "{input}",
    )
    relaxed = _run("--root", str(shipped_config))
    assert relaxed.exit_code == 0
    assert "warning [template-unfenced]" in relaxed.stdout
    assert _run("--root", str(shipped_config), "--strict").exit_code == 1


def test_json_output(shipped_config: Path) -> None:
    _break(shipped_config, "staging", "call-summarizer", "provider: azure", "provider: azur")
    result = _run("--root", str(shipped_config), "--format", "json")
    body = json.loads(result.stdout)
    assert result.exit_code == 1
    assert body["formatVersion"] == 1
    assert body["valid"] is False
    problem = body["problems"][0]
    assert problem["file"] == "environments/staging/models/call-summarizer.yaml"
    assert problem["rule"] == "schema-enum"
    assert isinstance(problem["line"], int)
    assert problem["severity"] == "error"


def test_markdown_output_lists_problems(shipped_config: Path) -> None:
    _break(shipped_config, "dev", "reply-drafter", "${DEV_ANTHROPIC_API_KEY}", "plain-text-key")
    result = _run("--root", str(shipped_config), "--format", "markdown")
    assert result.exit_code == 1
    assert "- error `environments/dev/models/reply-drafter.yaml:" in result.stdout
    assert "plain-text-key" not in result.stdout


def test_unknown_environment_exits_1_with_the_known_ones(shipped_config: Path) -> None:
    result = _run("--root", str(shipped_config), "--env", "qa")
    assert result.exit_code == 1
    assert "unknown environment(s): qa (known: dev, prod, staging)" in result.stderr


def test_empty_root_exits_1(tmp_path: Path) -> None:
    result = _run("--root", str(tmp_path))
    assert result.exit_code == 1
    assert "no environments found" in result.stderr
