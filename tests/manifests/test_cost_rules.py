"""Cost rules in validation: a budget needs every model's usage; unknown is never zero."""

from __future__ import annotations

from pathlib import Path

import yaml

from reconciler.manifests import validate_environments
from reconciler.structs.problems import Severity


def _drop_usage(root: Path, env: str, name: str) -> None:
    path = root / "environments" / env / "models" / f"{name}.yaml"
    doc = yaml.safe_load(path.read_text())
    del doc["spec"]["usage"]
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def test_missing_usage_is_an_error_under_a_budget(shipped_config: Path) -> None:
    _drop_usage(shipped_config, "prod", "reply-drafter")
    problems = validate_environments(shipped_config, ["prod"])
    assert [(p.rule, p.severity) for p in problems] == [("usage-missing", Severity.ERROR)]
    assert problems[0].file.endswith("prod/models/reply-drafter.yaml") and problems[0].fix


def test_missing_usage_is_a_warning_without_a_budget(shipped_config: Path) -> None:
    _drop_usage(shipped_config, "dev", "reply-drafter")
    problems = validate_environments(shipped_config, ["dev"])
    assert [(p.rule, p.severity) for p in problems] == [("usage-missing", Severity.WARNING)]
