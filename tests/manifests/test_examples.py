"""Example-driven validation: a new case is a new file under tests/examples/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.manifests import validate_environments
from reconciler.structs.problems import Problem
from tests.fixtures_manifests import EXAMPLE_ENV, EXAMPLES

VALID = sorted((EXAMPLES / "valid").glob("*.yaml"))
INVALID = sorted((EXAMPLES / "invalid").glob("*.yaml"))


def _expected(case: Path) -> dict[str, str]:
    text = case.with_suffix(".expected").read_text(encoding="utf-8")
    pairs = (line.split(":", 1) for line in text.splitlines() if line.strip())
    return {key.strip(): value.strip() for key, value in pairs}


def _matches(problem: Problem, expected: dict[str, str]) -> bool:
    return (
        problem.rule == expected["rule"]
        and problem.severity.value == expected.get("severity", "error")
        and ("line" not in expected or problem.line == int(expected["line"]))
        and expected.get("message", "") in problem.message
    )


def test_there_are_examples() -> None:
    assert len(VALID) >= 5
    assert len(INVALID) >= 30
    assert all(case.with_suffix(".expected").is_file() for case in INVALID)


@pytest.mark.parametrize("case", VALID, ids=lambda p: p.stem)
def test_valid_example_has_no_problem(case: Path, example_env: Callable[[Path], Path]) -> None:
    problems = validate_environments(example_env(case), [EXAMPLE_ENV])
    assert [p.render() for p in problems] == []


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_invalid_example_reports_its_problem(
    case: Path, example_env: Callable[[Path], Path]
) -> None:
    expected = _expected(case)
    problems = validate_environments(example_env(case), [EXAMPLE_ENV])
    in_case = [p for p in problems if Path(p.file).name in (case.name, "environment.yaml")]
    rendered = "\n".join(p.render() for p in problems)
    assert any(_matches(p, expected) for p in in_case), f"expected {expected}, got:\n{rendered}"
    found = next(p for p in in_case if _matches(p, expected))
    assert found.file.startswith(f"environments/{EXAMPLE_ENV}/")
    assert found.fix, "every problem tells the user how to fix it"
