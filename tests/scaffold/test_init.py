"""`reconcile init`: a config repository that validates and plans at once, and never clobbers.

The CLI runs in-process in a temporary folder, as a user runs it there (no DIR argument, the
folder is the current directory), then validate and the sandbox plan run in the same folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from reconciler.cli.main import cli
from reconciler.engine.manifest_text import MODELINE, schema_modeline
from tests.github.linters import lint

REPO = Path(__file__).resolve().parents[2]


def reconcile(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    here = tmp_path / "models-config"
    here.mkdir()
    monkeypatch.chdir(here)
    return here


def test_init_then_validate_then_a_sandbox_plan_work_in_an_empty_folder(folder: Path) -> None:
    done = reconcile("init")
    assert done.exit_code == 0, done.output
    assert "Next: git init && reconcile validate" in done.output
    for env in ("dev", "staging", "prod"):
        assert (folder / "environments" / env / "models" / "example-classifier.yaml").is_file()
    assert (folder / ".gitignore").read_text().splitlines()[-1] == ".reconciler/"
    hook = yaml.safe_load((folder / ".pre-commit-config.yaml").read_text())
    assert hook["repos"][0]["hooks"] == [{"id": "reconcile-validate"}]

    valid = reconcile("validate")
    assert valid.exit_code == 0, valid.output
    assert "0 error(s), 0 warning(s) in 3 environment(s)" in valid.output
    plan = reconcile("--env", "dev", "--dry-run", "--sandbox")
    assert plan.exit_code == 2, plan.output  # changes pending: the example is not live yet
    assert "+ example-classifier (create)" in plan.output


def test_every_modeline_in_the_scaffold_resolves_to_a_shipped_schema(folder: Path) -> None:
    assert reconcile("init").exit_code == 0
    manifests = sorted((folder / "environments").rglob("*.yaml"))
    assert len(manifests) == 6
    for path in manifests:
        first = path.read_text().splitlines()[0]
        target = first.removeprefix("# yaml-language-server: $schema=")
        assert target != first, f"{path} has no modeline"
        schema = (path.parent / target).resolve()
        assert schema.is_file() and schema.parent == folder / "schemas", (path, target)
        assert schema.read_text() == (REPO / "schemas" / schema.name).read_text()


def test_import_writes_the_modeline_only_where_schemas_exist(tmp_path: Path) -> None:
    assert schema_modeline(tmp_path) is None  # a config repo without schemas/: no broken link
    assert reconcile("init", str(tmp_path)).exit_code == 0
    assert schema_modeline(tmp_path) == MODELINE


def test_import_in_a_repo_without_schemas_writes_a_manifest_with_no_modeline(
    folder: Path,
) -> None:
    assert reconcile("init", "--envs", "dev").exit_code == 0
    assert reconcile("--env", "dev", "--sandbox", "--yes").exit_code == 0  # make it live
    for name in ("environment.schema.json", "model-endpoint.schema.json"):
        (folder / "schemas" / name).unlink()
    manifest = folder / "environments" / "dev" / "models" / "example-classifier.yaml"
    manifest.unlink()
    done = reconcile("import", "--env", "dev", "--sandbox")
    assert done.exit_code == 0, done.output
    text = manifest.read_text()
    assert "yaml-language-server" not in text and text.startswith("apiVersion: reconciler/v1")


def test_init_refuses_to_overwrite_and_writes_nothing_then_force_rewrites_only_its_files(
    folder: Path,
) -> None:
    (folder / "README.md").write_text("our notes\n")
    (folder / "notes.txt").write_text("keep me\n")
    refused = reconcile("init")
    assert refused.exit_code == 1
    assert "refusing to overwrite README.md" in refused.output and "--force" in refused.output
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "notes.txt"]
    assert (folder / "README.md").read_text() == "our notes\n"

    forced = reconcile("init", "--force")
    assert forced.exit_code == 0, forced.output
    assert (folder / "README.md").read_text().startswith("# LLM Gateway model endpoints")
    assert (folder / "notes.txt").read_text() == "keep me\n"


def test_envs_region_and_tool_version_shape_every_file(folder: Path) -> None:
    done = reconcile(
        "init", "--envs", "qa,eu-live", "--region", "eu-west-1", "--tool-version", "1.2.3"
    )
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in (folder / "environments").iterdir()) == ["eu-live", "qa"]
    live = yaml.safe_load((folder / "environments" / "eu-live" / "environment.yaml").read_text())
    assert live["spec"]["region"] == "eu-west-1"
    assert live["spec"]["credentials"]["clientId"] == "${GENESYS_EU_LIVE_CLIENT_ID}"
    model = (folder / "environments" / "eu-live" / "models" / "example-classifier.yaml").read_text()
    assert "apiKey: ${EU_LIVE_OPENAI_API_KEY}" in model

    apply = yaml.safe_load((folder / ".github" / "workflows" / "apply.yml").read_text())
    assert list(apply["jobs"]) == ["qa", "eu-live"]
    first, second = apply["jobs"]["qa"], apply["jobs"]["eu-live"]
    assert first["uses"].endswith("/.github/workflows/reconcile-apply.yml@v1.2.3")
    assert "commit" not in first["with"] and second["needs"] == "qa"
    assert second["with"]["commit"] == "${{ needs.qa.outputs.applied-commit }}"
    assert second["with"]["tool-ref"] == "v1.2.3"
    plan = yaml.safe_load((folder / ".github" / "workflows" / "plan.yml").read_text())
    assert plan["jobs"]["eu-live"]["secrets"] == {
        "GENESYS_CLIENT_ID": "${{ secrets.GENESYS_EU_LIVE_READ_CLIENT_ID }}",
        "GENESYS_CLIENT_SECRET": "${{ secrets.GENESYS_EU_LIVE_READ_CLIENT_SECRET }}",
    }
    hooks = yaml.safe_load((folder / ".pre-commit-config.yaml").read_text())
    assert hooks["repos"][0]["rev"] == "v1.2.3"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--envs", "Dev,prod"], "invalid environment name(s) for --envs: 'Dev'"),
        (["--envs", "dev,dev"], "--envs names an environment twice"),
        (["--region", "mars-1"], "unknown region 'mars-1' for --region"),
        (["--tool-version", "latest"], "--tool-version 'latest' is not a version"),
    ],
)
def test_bad_options_exit_1_and_write_nothing(folder: Path, args: list[str], message: str) -> None:
    done = reconcile("init", *args)
    assert done.exit_code == 1
    assert message in done.output
    assert os.listdir(folder) == []


def test_the_scaffolded_workflows_pass_actionlint_and_zizmor(folder: Path) -> None:
    assert reconcile("init").exit_code == 0
    files = sorted(str(p.relative_to(folder)) for p in (folder / ".github").rglob("*.yml"))
    assert len(files) == 5  # three workflows, dependabot, zizmor's own config
    assert lint(folder, *files) == ""
    bad = folder / ".github" / "workflows" / "bad.yml"  # the linters really look
    bad.write_text(
        "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - run: echo ${{ github.nope }}\n"
    )
    found = lint(folder, ".github/workflows/bad.yml")
    assert "unpinned-uses" in found and 'property "nope" is not defined' in found
