"""This repository's workflows and action: clean under the linters, shaped to hold on GitHub.

The callers (plan, apply, drift) are the scaffold's own rendering with local references, so
what a config repository runs is what these tests and CI run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from reconciler.scaffold import ToolSource, caller_workflows
from tests.github.actions_runner import load
from tests.github.linters import lint

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO / ".github" / "workflows"
NAMES = sorted(p.name for p in WORKFLOWS.glob("*.yml"))
REUSABLE = ["reconcile-apply.yml", "reconcile-drift.yml", "reconcile-plan.yml"]
CHECK_JSONSCHEMA = [sys.executable, "-m", "check_jsonschema"]
PINNED = re.compile(
    r"uses: (?P<action>[\w-]+/[\w-]+(?:/[\w-]+)*)@(?P<sha>[0-9a-f]{40}) # (?P<tag>v\d+\.\d+\.\d+)$"
)


def test_the_workflows_are_the_ones_in_the_issue() -> None:
    assert ["apply.yml", "ci.yml", "drift.yml", "plan.yml", *REUSABLE] == NAMES


def test_every_workflow_and_the_action_pass_actionlint_and_zizmor() -> None:
    files = [f".github/workflows/{n}" for n in NAMES]
    assert lint(REPO, "action.yml", *files, ".github/dependabot.yml") == ""


@pytest.mark.parametrize("name", NAMES)
def test_workflow_passes_the_vendored_github_workflow_schema(name: str) -> None:
    done = subprocess.run(
        [*CHECK_JSONSCHEMA, "--builtin-schema", "vendor.github-workflows", str(WORKFLOWS / name)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_callers_are_the_scaffold_rendered_with_local_references() -> None:
    rendered = caller_workflows(["dev", "staging", "prod"], ToolSource.local())
    for name, text in rendered.items():
        assert (WORKFLOWS / name).read_text() == text, f"{name} differs from the scaffold"


def test_actions_are_pinned_by_commit_with_the_tag_alongside() -> None:
    lines = [
        line.strip().removeprefix("- ")
        for path in [REPO / "action.yml", *(WORKFLOWS / n for n in NAMES)]
        for line in path.read_text().splitlines()
        if line.strip().removeprefix("- ").startswith("uses:")
    ]
    remote = [line for line in lines if not line.startswith("uses: ./")]
    assert remote and all(PINNED.match(line) for line in remote), remote
    assert {PINNED.match(line)["action"] for line in remote} == {  # type: ignore[index]
        "actions/checkout",
        "actions/setup-python",
        "actions/create-github-app-token",
        "actions/upload-artifact",
        "github/codeql-action/upload-sarif",
    }


@pytest.mark.parametrize("name", NAMES)
def test_least_permissions_explicit_secrets_and_no_persisted_token(name: str) -> None:
    workflow, text = load(WORKFLOWS / name), (WORKFLOWS / name).read_text()
    assert workflow["permissions"] == {}
    assert "secrets[" not in text and "secrets: inherit" not in text
    for job_id, job in workflow["jobs"].items():
        assert "permissions" in job, f"{name}: job {job_id} has no permissions of its own"
        writes = {k for k, v in job["permissions"].items() if v == "write"}
        allowed = {
            "plan.yml": {"pull-requests", "security-events"},
            "reconcile-plan.yml": {"pull-requests", "security-events"},
            "drift.yml": {"issues"},
            "reconcile-drift.yml": {"issues"},
            "apply.yml": {"contents", "pull-requests"},
            "reconcile-apply.yml": {"contents", "pull-requests"},
        }.get(name, set())
        assert writes <= allowed, f"{name}: {job_id} may write {writes - allowed}"
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_the_plan_check_always_runs_and_apply_refuses_other_refs_first() -> None:
    plan = load(WORKFLOWS / "plan.yml")[True]  # YAML 1.1 reads the key 'on' as True
    # no paths filter: the required checks always report, in the merge queue too
    assert plan == {"pull_request": None, "merge_group": None}
    apply = load(WORKFLOWS / "reconcile-apply.yml")["jobs"]["apply"]
    assert apply["environment"] == "${{ inputs.environment }}"
    assert apply["concurrency"] == {
        "group": "reconcile-apply-${{ inputs.environment }}",
        "cancel-in-progress": False,
    }
    assert apply["steps"][0]["name"] == "Refuse refs other than main"
    callers = load(WORKFLOWS / "apply.yml")["jobs"]
    assert [callers[e].get("needs") for e in ("dev", "staging", "prod")] == [None, "dev", "staging"]
    assert callers["prod"]["with"]["commit"] == "${{ needs.staging.outputs.applied-commit }}"


def test_the_action_and_the_pre_commit_hook_have_the_promised_interface() -> None:
    action = load(REPO / "action.yml")
    assert {"command", "env", "version", "args"} <= set(action["inputs"])
    outputs = {"exit-code", "markdown", "json", "plan-digest", "stale", "reviewed-pr"}
    assert set(action["outputs"]) == outputs
    assert action["runs"]["using"] == "composite"
    setup = action["runs"]["steps"][0]["with"]
    assert setup["cache"] == "pip"
    assert setup["cache-dependency-path"] == "${{ github.action_path }}/requirements.lock"
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "reconcile-validate" and hook["entry"] == "reconcile validate"
    assert hook["pass_filenames"] is False


@pytest.mark.parametrize("path", ["action.yml", *(f".github/workflows/{n}" for n in NAMES)])
def test_secrets_reach_only_the_step_that_runs_reconcile_never_github_env(path: str) -> None:
    text = (REPO / path).read_text()
    assert "GITHUB_ENV" not in text
    steps = [s for job in load(REPO / path).get("jobs", {}).values() for s in job.get("steps", [])]
    if path == "action.yml":
        steps = load(REPO / path)["runs"]["steps"]
    for step in steps:
        mentions = str(step.get("env", "")) + str(step.get("run", ""))
        if "pip install" in mentions:
            assert "secrets." not in mentions and "inputs.genesys" not in mentions, step


def test_the_container_runs_the_cli_as_a_non_root_user() -> None:
    lines = (REPO / "Dockerfile").read_text().splitlines()
    assert "USER reconcile" in lines and 'ENTRYPOINT ["reconcile"]' in lines
    assert any(re.fullmatch(r"ARG BASE=python:\d+\.\d+\.\d+-slim-\w+", line) for line in lines)


def test_the_container_installs_the_hash_pinned_lock_then_the_tool_without_resolving() -> None:
    text = (REPO / "Dockerfile").read_text()
    assert "pip install --no-cache-dir --require-hashes -r /tmp/requirements.lock" in text
    assert "pip install --no-cache-dir --no-deps /wheels/*.whl" in text
    assert "COPY schemas ./schemas" in text  # reconciler/schemas links to it
