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
from reconciler.engine.plan.manifest_text import MODELINE, schema_modeline
from tests.github.linters import lint

REPO = Path(__file__).resolve().parents[2]


TOOL = ("--tool-repo", "acme/reconcile", "--tool-commit", "c0ffee" + "0" * 34)


def reconcile(*args: str) -> Result:
    if args[:1] == ("init",):  # every init names where reconcile comes from
        args = (*args, *TOOL)
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
    assert hook["repos"][0]["hooks"][0]["entry"] == "reconcile validate"

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
    assert first["uses"] == "acme/reconcile/.github/workflows/reconcile-apply.yml@" + TOOL[3]
    assert "commit" not in first["with"] and second["needs"] == "qa"
    assert second["with"]["commit"] == "${{ needs.qa.outputs.applied-commit }}"
    assert "tool-ref" not in second["with"]  # the reusable workflow takes its own commit
    text = (folder / ".github" / "workflows" / "apply.yml").read_text()
    assert text.count(f"@{TOOL[3]} # v1.2.3\n") == 2  # the one place naming the version
    plan = yaml.safe_load((folder / ".github" / "workflows" / "plan.yml").read_text())
    assert plan["jobs"]["eu-live"]["secrets"] == {
        "GENESYS_CLIENT_ID": "${{ secrets.GENESYS_EU_LIVE_READ_CLIENT_ID }}",
        "GENESYS_CLIENT_SECRET": "${{ secrets.GENESYS_EU_LIVE_READ_CLIENT_SECRET }}",
    }
    hooks = yaml.safe_load((folder / ".pre-commit-config.yaml").read_text())
    assert hooks["repos"][0]["repo"] == "local"  # no second copy of the version
    readme = (folder / "README.md").read_text()
    assert "acme/reconcile" in readme and TOOL[3] in readme and "v1.2.3" in readme


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


def test_init_without_tool_repo_exits_1_saying_what_to_pass_and_writes_nothing(
    folder: Path,
) -> None:
    done = CliRunner().invoke(cli, ["init"])
    assert done.exit_code == 1
    assert "--tool-repo is required" in done.output and "--tool-repo OWNER/NAME" in done.output
    assert os.listdir(folder) == []


def test_init_looks_the_release_commit_up_with_git_ls_remote(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    published = tmp_path / "acme" / "reconcile"
    published.mkdir(parents=True)
    git = ["git", "-C", str(published)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run(
        [
            *git,
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@e",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "r",
        ],
        check=True,
    )
    subprocess.run(
        [*git, "-c", "user.name=T", "-c", "user.email=t@e", "tag", "-a", "v1.2.3", "-m", "v"],
        check=True,
    )
    commit = subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    config = tmp_path / "gitconfig"  # github.com is this folder, as a mirror would be
    config.write_text(f'[url "{tmp_path.as_uri()}/"]\n\tinsteadOf = https://github.com/\n')
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    args = ["init", "--tool-repo", "acme/reconcile", "--tool-version", "1.2.3"]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0, done.output
    plan = (folder / ".github" / "workflows" / "plan.yml").read_text()
    assert f"reconcile-plan.yml@{commit} # v1.2.3" in plan  # the tag's commit, not the tag's
    missing = CliRunner().invoke(cli, [*args[:3], "--tool-version", "9.9.9", str(tmp_path / "x")])
    assert missing.exit_code == 1 and "could not find the commit of v9.9.9" in missing.output
    assert "--tool-commit" in missing.output


def test_the_scaffolded_workflows_pass_actionlint_and_zizmor(folder: Path) -> None:
    assert reconcile("init").exit_code == 0
    files = sorted(str(p.relative_to(folder)) for p in (folder / ".github").rglob("*.yml"))
    assert len(files) == 5  # three workflows, dependabot, zizmor's own config
    assert lint(folder, *files) == ""
    assert yaml.safe_load((folder / ".github" / "zizmor.yml").read_text()) == {"rules": {}}
    dependabot = yaml.safe_load((folder / ".github" / "dependabot.yml").read_text())
    assert [u["package-ecosystem"] for u in dependabot["updates"]] == ["github-actions", "pip"]
    bad = folder / ".github" / "workflows" / "bad.yml"  # the linters really look
    bad.write_text(
        "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - run: echo ${{ github.nope }}\n"
    )
    found = lint(folder, ".github/workflows/bad.yml")
    assert "unpinned-uses" in found and 'property "nope" is not defined' in found
