"""load_environment / validate_environments / list_environments on real folders."""

from __future__ import annotations

import os
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from reconciler.manifests import list_environments, load_environment, validate_environments
from reconciler.structs.errors import ConfigError
from reconciler.structs.problems import Severity, ValidationFailed

PROVIDERS = {"openai", "anthropic", "azure", "bedrock"}


def test_shipped_environments_are_listed_and_clean(shipped_config: Path) -> None:
    (shipped_config / "environments" / "not-an-env").mkdir()
    assert list_environments(shipped_config) == ["dev", "prod", "staging"]
    assert validate_environments(shipped_config) == []


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_each_shipped_environment_has_one_model_per_provider(
    shipped_config: Path, env: str
) -> None:
    loaded = load_environment(shipped_config, env)
    assert {m.provider for m in loaded.models} == PROVIDERS
    assert [m.name for m in loaded.models] == sorted(m.name for m in loaded.models)
    for model in loaded.models:
        assert model.source == f"environments/{env}/models/{model.name}.yaml"
        lines = (shipped_config / model.source).read_text().splitlines()
        assert model.line is not None
        assert lines[model.line - 1].strip() == f"name: {model.name}"
        assert model.spec["credentials"]["apiKey"].startswith("${")
        assert "usage" in model.spec


def test_prod_config_is_typed(shipped_config: Path) -> None:
    config = load_environment(shipped_config, "prod").config
    assert config.name == "prod"
    assert config.region == "eu-west-1"
    assert config.client_id_ref == "${GENESYS_PROD_CLIENT_ID}"
    assert config.client_secret_ref == "${GENESYS_PROD_CLIENT_SECRET}"
    assert config.policy.protected == ("support-classifier", "call-summarizer")
    assert config.policy.max_parallel == 4
    assert config.policy.guard_mode == "block"
    assert config.budget is not None
    assert config.budget.monthly_usd == Decimal("3000")
    assert config.budget.max_increase_percent == Decimal("25")
    assert config.budget.max_increase_usd is None
    assert config.source == "environments/prod/environment.yaml"


def test_dev_has_no_budget_and_policy_defaults_fill_gaps(shipped_config: Path) -> None:
    config = load_environment(shipped_config, "dev").config
    assert config.budget is None
    assert config.policy.prune is True
    assert config.policy.protected == ()


def test_spec_is_plain_data_as_written(shipped_config: Path) -> None:
    model = load_environment(shipped_config, "prod").model("call-summarizer")
    assert model is not None
    assert model.spec["pricing"] == {"inputUsdPer1M": 2.25, "outputUsdPer1M": 9.0}
    assert model.labels == {"team": "contact-center", "tier": "critical"}
    assert type(model.spec) is dict


def test_unknown_environment_lists_the_known_ones(shipped_config: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_environment(shipped_config, "qa")
    assert "qa" in info.value.message
    assert "dev, prod, staging" in info.value.message


def test_no_environments_at_all_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        validate_environments(tmp_path)
    assert list_environments(tmp_path) == []


def test_load_fails_with_every_problem_of_every_file(shipped_config: Path) -> None:
    models = shipped_config / "environments" / "staging" / "models"
    _edit(models / "reply-drafter.yaml", "temperature: 0.4", "temperature: 1.7")
    _edit(models / "call-summarizer.yaml", "    endpoint: https", "    endpoint: http")
    (models / "broken.yaml").write_text("a: [\n")
    with pytest.raises(ValidationFailed) as info:
        load_environment(shipped_config, "staging")
    rules = sorted(p.rule for p in info.value.problems if p.severity is Severity.ERROR)
    assert rules == ["provider-endpoint", "provider-temperature", "yaml-syntax"]
    assert "environments/staging/models/reply-drafter.yaml:" in info.value.message


def test_same_name_in_yaml_and_yml_is_a_duplicate(shipped_config: Path) -> None:
    models = shipped_config / "environments" / "dev" / "models"
    (models / "reply-drafter.yml").write_bytes((models / "reply-drafter.yaml").read_bytes())
    problems = validate_environments(shipped_config, ["dev"])
    assert [p.rule for p in problems] == ["duplicate-name"]
    assert problems[0].file == "environments/dev/models/reply-drafter.yml"


def test_warnings_travel_with_the_loaded_environment(shipped_config: Path) -> None:
    models = shipped_config / "environments" / "dev" / "models"
    _edit(models / "support-classifier.yaml", "modelId: gpt-4.1-mini", "modelId: gpt-9-preview")
    loaded = load_environment(shipped_config, "dev")
    assert sorted(w.rule for w in loaded.warnings) == ["model-unknown", "price-missing"]


def test_missing_environment_file_of_a_listed_env_is_reported(shipped_config: Path) -> None:
    (shipped_config / "environments" / "prod" / "environment.yaml").unlink()
    assert list_environments(shipped_config) == ["dev", "staging"]
    with pytest.raises(ConfigError):
        validate_environments(shipped_config, ["prod"])


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_models_are_found_by_name_and_the_first_of_a_duplicate_wins(shipped_config: Path) -> None:
    loaded = load_environment(shipped_config, "dev")
    for model in loaded.models:
        assert loaded.model(model.name) is model
    assert loaded.model("no-such-model") is None
    twice = replace(loaded, models=(*loaded.models, replace(loaded.models[0], spec={})))
    assert twice.model(loaded.models[0].name) is loaded.models[0]


def _not_regular(folder: Path) -> dict[str, str]:
    """A FIFO, a looping symlink and a folder among the model files, by file name."""
    os.mkfifo(folder / "fifo.yaml")
    (folder / "loop.yaml").symlink_to("loop.yaml")
    (folder / "folder.yaml").mkdir()
    return {"fifo.yaml": "FIFO", "loop.yaml": "symlink loop", "folder.yaml": "directory"}


def test_a_model_path_that_is_not_a_regular_file_is_an_error_naming_it(
    shipped_config: Path,
) -> None:
    models = shipped_config / "environments" / "dev" / "models"
    expected = _not_regular(models)
    problems = validate_environments(shipped_config, ["dev"])  # never blocks on the FIFO
    found = {Path(p.file).name: p for p in problems if p.rule == "file-not-regular"}
    assert set(found) == set(expected)
    for name, what in expected.items():
        assert found[name].file == f"environments/dev/models/{name}"
        assert what in found[name].message and found[name].fix


def test_an_environment_file_that_is_a_fifo_is_an_error(shipped_config: Path) -> None:
    environment = shipped_config / "environments" / "dev" / "environment.yaml"
    environment.unlink()
    os.mkfifo(environment)
    assert "dev" in list_environments(shipped_config)
    problems = validate_environments(shipped_config, ["dev"])
    assert [p.rule for p in problems if p.file.endswith("environment.yaml")] == ["file-not-regular"]
