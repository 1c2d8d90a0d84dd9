"""Import and promote: what they write, what they refuse, and that nothing is half-applied.

Import reads live models from a real sandbox server on loopback (its state file is the one the
CLI's ``--sandbox`` uses); promote works on a copy of the shipped manifests. The CLI is run
in-process for the output formats and exit codes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.engine.jobs.importer import ImportRequest, run_import
from reconciler.engine.jobs.promote import run_promote
from reconciler.engine.plan.manifest_text import MODELINE, manifest_document, render_manifest
from reconciler.manifests import load_environment
from reconciler.sandbox import SandboxServer, SandboxSettings
from reconciler.sandbox.embedded import STATE_DIR
from reconciler.structs.errors import ConfigError, ExitCode
from reconciler.structs.problems import ValidationFailed
from tests.fixtures_engine import default_client

SHIPPED = Path(__file__).resolve().parents[2] / "environments"
PROMPT = "Classify the ticket.\n<ticket>\n{input}\n</ticket>\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(SHIPPED, tmp_path / "config" / "environments")
    shutil.copytree(SHIPPED.parent / "schemas", tmp_path / "config" / "schemas")  # the modeline's
    return tmp_path / "config"


def models_of(root: Path, env: str) -> Path:
    return root / "environments" / env / "models"


def snapshot_of(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.iterdir())}


MANAGED = {"reconcile/managed-by": "reconcile"}


def live(name: str, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "provider": "openai",
        "modelId": "gpt-4o-mini",
        "credentials": {"apiKey": "sk-test-key", "endpoint": "https://api.openai.com/v1"},
        "configuration": {"temperature": 0.3, "maxTokens": 200},
        "promptTemplate": PROMPT,
        "labels": {"team": "support", **MANAGED},
    }
    return {**body, **fields}


def seed(root: Path, env: str, *bodies: dict[str, Any]) -> None:
    """Create live models through the sandbox API the CLI's ``--sandbox`` would talk to."""
    with (
        SandboxServer(SandboxSettings(state_file=root / STATE_DIR / f"{env}.json")) as server,
        default_client(server) as client,
    ):
        for body in bodies:
            client.create_model(body)


def do_import(root: Path, *names: str, force: bool = False) -> Any:
    request = ImportRequest(
        root=root, environment="staging", names=names, force=force, sandbox=True, environ={}
    )
    return run_import(request)


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# --- import ---------------------------------------------------------------------------


def test_unsafe_live_names_are_skipped_with_a_warning_and_never_become_paths(
    root: Path,
) -> None:
    seed(root, "staging", live("../../escape"), live("Bad_Name"), live("ab"), live("new-one"))
    result = do_import(root)
    assert [item.name for item in result.written] == ["new-one"]
    skipped = "\n".join(result.warnings)
    for name in ("'../../escape'", "'Bad_Name'", "'ab'"):
        assert f"skipped live model {name}" in skipped
    assert not list(root.parent.rglob("escape*"))
    text = (models_of(root, "staging") / "new-one.yaml").read_text()
    assert text.startswith(MODELINE + "\n") and "apiKey: ${NEW_ONE_API_KEY}" in text


def test_models_of_another_environment_are_skipped(root: Path) -> None:
    seed(
        root,
        "staging",
        live("from-dev", labels={"reconcile/environment": "dev"}),
        live("ours", labels={"reconcile/environment": "staging", "team": "a", **MANAGED}),
    )
    result = do_import(root)
    assert [item.name for item in result.written] == ["ours"]
    assert any("from-dev" in w and "belongs to 'dev'" in w for w in result.warnings)
    assert not (models_of(root, "staging") / "from-dev.yaml").exists()


def test_unmanaged_models_are_skipped_so_plans_are_not_blocked(root: Path) -> None:
    seed(root, "staging", live("hand-made", labels={"team": "x"}), live("ours"))
    result = do_import(root)
    assert [item.name for item in result.written] == ["ours"]
    assert any("hand-made" in w and "not managed by reconcile" in w for w in result.warnings)
    assert not (models_of(root, "staging") / "hand-made.yaml").exists()


def test_fresh_models_in_a_budgeted_environment_owe_their_usage(root: Path) -> None:
    seed(root, "staging", live("new-one"))
    result = do_import(root)
    assert any("usage-missing" in w and "new-one.yaml" in w for w in result.warnings)


def test_an_import_that_breaks_validation_restores_every_file(root: Path) -> None:
    folder = models_of(root, "staging")
    before = snapshot_of(folder)
    seed(
        root,
        "staging",
        live("support-classifier", labels={"Cost Centre": "x", **MANAGED}),  # invalid label key
        live("brand-new"),
    )
    with pytest.raises(ValidationFailed) as caught:
        do_import(root, force=True)
    assert "support-classifier.yaml" in caught.value.message
    assert snapshot_of(folder) == before  # overwritten restored, new one deleted


def test_force_keeps_what_only_the_manifest_knows(root: Path) -> None:
    path = models_of(root, "staging") / "support-classifier.yaml"
    manifest = yaml.safe_load(path.read_text())
    manifest["spec"]["pricing"] = {"inputUsdPer1M": 0.1, "outputUsdPer1M": 0.4}
    manifest["spec"]["guard"] = {"mode": "flag"}
    path.write_text(render_manifest(manifest))
    seed(
        root,
        "staging",
        live(
            "support-classifier",
            modelId="gpt-4.1-mini",
            labels={"team": "triage", "reconcile/managed-by": "reconcile"},
        ),
    )
    (item,) = do_import(root, "support-classifier", force=True).written
    assert (item.variable, item.overwritten) == ("STAGING_OPENAI_API_KEY", True)
    spec = load_environment(root, "staging").model("support-classifier")
    assert spec is not None
    assert spec.spec["modelId"] == "gpt-4.1-mini"  # live wins for the endpoint itself
    assert spec.spec["credentials"] == {
        "apiKey": "${STAGING_OPENAI_API_KEY}",
        "endpoint": "https://api.openai.com/v1",
    }
    for key in ("usage", "healthCheck", "pricing", "guard"):
        assert spec.spec[key] == manifest["spec"][key], key
    assert spec.labels == {"team": "triage", "tier": "critical"}  # live label, kept extra one


def test_import_cli_json_and_markdown(root: Path) -> None:
    """In dev, which has no budget, so a missing usage is only a warning."""
    seed(root, "dev", live("json-one"), live("md-one"))
    done = run("import", "--env", "dev", "--sandbox", "--root", str(root), "json-one", "-v")
    assert done.exit_code == 0, done.output
    shown = run(
        "--format", "json", "import", "--env", "dev", "--sandbox", "--root", str(root),
        "json-one", "--force",
    )  # fmt: skip
    assert shown.exit_code == 0, shown.output
    report = json.loads(shown.stdout)
    assert report["formatVersion"] == 1 and report["environment"] == "dev"
    assert report["written"] == [
        {
            "name": "json-one",
            "path": "environments/dev/models/json-one.yaml",
            "variable": "JSON_ONE_API_KEY",
            "managed": True,
            "overwritten": True,
        }
    ]
    markdown = run(
        "import", "--env", "dev", "--sandbox", "--root", str(root), "md-one",
        "--format", "markdown",
    )  # fmt: skip
    assert markdown.stdout.startswith("**Imported 1 manifest(s) into `dev`.**")
    assert "- wrote `environments/dev/models/md-one.yaml`" in markdown.stdout


# --- promote --------------------------------------------------------------------------


def test_a_new_model_gets_the_targets_references(root: Path) -> None:
    (models_of(root, "staging") / "call-summarizer.yaml").unlink()
    (done,) = run_promote(root, source_env="dev", target_env="staging", names=("call-summarizer",))
    text = done.path.read_text()
    assert done.created and "${STAGING_AZURE_OPENAI_API_KEY}" in text and "DEV_" not in text
    assert any("credentials.endpoint copied from 'dev'" in note for note in done.notes)
    assert load_environment(root, "staging").model("call-summarizer") is not None


def test_an_unconventional_reference_is_refused_unless_kept(root: Path) -> None:
    source = models_of(root, "dev") / "reply-drafter.yaml"
    source.write_text(source.read_text().replace("${DEV_ANTHROPIC_API_KEY}", "${SHARED_KEY}"))
    (models_of(root, "staging") / "reply-drafter.yaml").unlink()
    before = snapshot_of(models_of(root, "staging"))
    with pytest.raises(ConfigError) as caught:
        run_promote(root, source_env="dev", target_env="staging")
    assert "reply-drafter credentials.apiKey ${SHARED_KEY}" in caught.value.message
    assert "--keep-refs" in str(caught.value.hint)
    assert snapshot_of(models_of(root, "staging")) == before  # nothing written, not even others
    run_promote(root, source_env="dev", target_env="staging", keep_refs=True)
    assert "${SHARED_KEY}" in (models_of(root, "staging") / "reply-drafter.yaml").read_text()


def test_dry_run_validates_the_would_be_result(root: Path) -> None:
    source = models_of(root, "dev") / "reply-drafter.yaml"
    document = yaml.safe_load(source.read_text())
    del document["spec"]["usage"]  # fine in dev (no budget), an error in staging (budget)
    source.write_text(render_manifest(document))
    (models_of(root, "staging") / "reply-drafter.yaml").unlink()
    before = snapshot_of(models_of(root, "staging"))
    for dry_run in (True, False):
        with pytest.raises(ValidationFailed, match="usage-missing"):
            run_promote(root, source_env="dev", target_env="staging", dry_run=dry_run)
        assert snapshot_of(models_of(root, "staging")) == before


def test_formatting_alone_is_no_change(root: Path) -> None:
    target = models_of(root, "staging") / "support-classifier.yaml"
    document = yaml.safe_load(target.read_text())
    target.write_text(yaml.safe_dump(document))  # same values, other layout, no modeline
    (models_of(root, "dev") / "support-classifier.yaml").write_text(target.read_text())
    (done,) = run_promote(
        root, source_env="dev", target_env="staging", names=("support-classifier",)
    )
    assert (done.diff, done.changes) == ("", ())
    assert target.read_text() == yaml.safe_dump(document)


def test_the_diff_shows_only_real_changes_and_keeps_comments(root: Path) -> None:
    target = models_of(root, "staging") / "call-summarizer.yaml"
    target.write_text("# owned by the contact-centre team\n" + target.read_text())
    source = models_of(root, "dev") / "call-summarizer.yaml"
    source.write_text(source.read_text().replace("temperature: 0.2", "temperature: 0.3"))
    (done,) = run_promote(root, source_env="dev", target_env="staging", names=("call-summarizer",))
    changed = [line for line in done.diff.splitlines() if line[:1] in "+-"]
    assert changed[2:] == [
        "-  configuration: {temperature: 0.2, maxTokens: 1000, topP: 0.95}",
        "+  configuration: {temperature: 0.3, maxTokens: 1000, topP: 0.95}",
    ]
    assert [c.dotted for c in done.changes] == ["spec.configuration.temperature"]
    text = target.read_text()
    assert text.startswith("# owned by the contact-centre team\n" + MODELINE + "\n")
    assert "modelId: gpt-4o                     # the model deployed" in text


def test_promote_cli_exit_codes_and_formats(root: Path) -> None:
    args = ("promote", "--from", "dev", "--to", "staging", "--root", str(root), "--dry-run")
    pending = run(*args, "call-summarizer", "support-classifier", "--format", "json")
    assert pending.exit_code == ExitCode.CHANGES_PENDING
    report = json.loads(pending.stdout)
    assert (report["formatVersion"], report["dryRun"]) == (1, True)
    by_name = {m["name"]: m for m in report["models"]}
    assert by_name["call-summarizer"]["changed"] is False  # differs only in target-owned fields
    assert {c["path"] for c in by_name["support-classifier"]["changes"]} == {
        "spec.modelId",
        "spec.configuration.temperature",
    }
    assert by_name["support-classifier"]["diff"].startswith("--- a/environments/staging/")
    assert run(*args, "call-summarizer").exit_code == ExitCode.OK
    text = run(*args, "support-classifier").stdout
    assert '  spec.modelId: "gpt-4o-mini" -> "gpt-4.1-mini"' in text
    assert text.endswith("1 of 1 manifest(s) would change in 'staging'\n")


def test_markdown_fences_the_diff_beyond_any_backticks_inside(root: Path) -> None:
    (models_of(root, "staging") / "call-summarizer.yaml").unlink()  # its prompt holds ```
    done = run(
        "promote", "--from", "dev", "--to", "staging", "--root", str(root), "--dry-run",
        "--format", "markdown", "call-summarizer",
    )  # fmt: skip
    assert done.exit_code == ExitCode.CHANGES_PENDING
    assert done.stdout.startswith("**Promote `dev` → `staging`: 1 of 1 manifest(s) would change")
    assert "\n````diff\n" in done.stdout and "\n````\n" in done.stdout


# --- manifest text --------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*/models/*.yaml")), ids=str)
def test_rendering_a_hand_written_manifest_reproduces_it(path: Path) -> None:
    env = path.parent.parent.name
    model = load_environment(SHIPPED.parent, env).model(path.stem)
    assert model is not None
    text = path.read_text()
    assert (
        render_manifest(manifest_document(model.name, model.labels, model.spec), previous=text)
        == text
    )


def test_multi_line_strings_are_literal_blocks_and_odd_strings_round_trip() -> None:
    spec = {
        "promptTemplate": "line one\nline two: {input}\n",
        "description": "yes",
        "modelId": "1.0",
        "configuration": {"stop": ["a, b", "#x"]},
    }
    text = render_manifest(manifest_document("m-1", {}, spec))
    assert "  promptTemplate: |\n    line one\n    line two: {input}\n" in text
    assert yaml.safe_load(text)["spec"] == spec
