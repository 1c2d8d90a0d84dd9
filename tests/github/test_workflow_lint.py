"""The workflows: valid against GitHub's workflow schema, and shaped the way the issue asks."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.github.actions_runner import load

# The venv may not be on PATH (pytest run by its full path): call the module directly.
CHECK_JSONSCHEMA = [sys.executable, "-m", "check_jsonschema"]
WORKFLOWS = Path(__file__).resolve().parents[2] / ".github" / "workflows"
ENVIRONMENTS = WORKFLOWS.parents[1] / "environments"
NAMES = ["ci.yml", "plan.yml", "apply.yml", "drift.yml"]


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


def test_the_schema_check_really_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n")
    done = subprocess.run(
        [*CHECK_JSONSCHEMA, "--builtin-schema", "vendor.github-workflows", str(broken)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1


@pytest.mark.parametrize("name", NAMES)
def test_actions_are_pinned_by_major_version_and_install_is_plain(name: str) -> None:
    text = (WORKFLOWS / name).read_text()
    uses = re.findall(r"uses:\s*(\S+)", text)
    assert uses and all(re.fullmatch(r"actions/[\w-]+@v\d+", u) for u in uses), uses
    assert "actions/checkout@v4" in uses and "actions/setup-python@v5" in uses
    if name != "ci.yml":
        assert "run: pip install ." in text


def test_apply_runs_dev_then_staging_then_prod_one_at_a_time() -> None:
    jobs = load(WORKFLOWS / "apply.yml")["jobs"]
    assert list(jobs) == ["dev", "staging", "prod"]
    assert (jobs["staging"]["needs"], jobs["prod"]["needs"]) == ("dev", "staging")
    for env, job in jobs.items():
        assert job["environment"] == env
        assert job["concurrency"] == {
            "group": f"reconcile-apply-{env}",
            "cancel-in-progress": False,
        }
    assert load(WORKFLOWS / "apply.yml")["permissions"] == {"contents": "write"}


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_apply_maps_every_secret_the_environment_references(env: str) -> None:
    """Each ${VAR} in the environment's manifests comes from the GitHub secret of that name."""
    refs = set()
    for path in (ENVIRONMENTS / env).rglob("*.yaml"):
        refs |= set(re.findall(r"\$\{([A-Z0-9_]+)\}", path.read_text()))
    assert refs, f"no ${{VAR}} references under environments/{env}"
    mapped = load(WORKFLOWS / "apply.yml")["jobs"][env]["env"]
    for var in sorted(refs):
        assert mapped.get(var) == f"${{{{ secrets.{var} }}}}", f"{var} is not mapped for {env}"


def test_plan_and_drift_grant_only_what_they_write() -> None:
    assert load(WORKFLOWS / "plan.yml")["permissions"] == {
        "contents": "read",
        "pull-requests": "write",
    }
    assert load(WORKFLOWS / "drift.yml")["permissions"] == {"contents": "read", "issues": "write"}
    triggers = load(WORKFLOWS / "drift.yml")[True]  # YAML 1.1 reads the key 'on' as True
    assert "schedule" in triggers and "workflow_dispatch" in triggers
