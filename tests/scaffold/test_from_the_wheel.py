"""The issue's "done when": in an empty folder, the wheel's reconcile runs init, validate and
a sandbox plan, as a user does right after ``pip install <wheel>`` (the fixture installs it)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.github.linters import lint


def test_init_validate_and_a_sandbox_plan_with_the_installed_wheel(
    tmp_path: Path, wheel_bin: Path
) -> None:
    env = {**os.environ, "PATH": f"{wheel_bin}{os.pathsep}{os.environ['PATH']}"}

    def reconcile(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["reconcile", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )

    located = subprocess.run(
        ["python", "-c", "import reconciler; print(reconciler.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert located.stdout.startswith(str(wheel_bin.parent)), located.stdout  # not the tree
    commit = "c0ffee" + "0" * 34
    assert (
        reconcile("init", "--tool-repo", "acme/reconcile", "--tool-commit", commit).returncode == 0
    )
    assert reconcile("validate").returncode == 0
    plan = reconcile("--env", "dev", "--dry-run", "--sandbox")
    assert plan.returncode == 2, plan.stderr
    assert "+ example-classifier (create)" in plan.stdout


def test_the_wheels_init_with_a_tool_repo_gives_workflows_clean_under_both_linters(
    tmp_path: Path, wheel_bin: Path
) -> None:
    """A separate config repo, scaffolded by the installed wheel: actionlint and zizmor pass
    with zizmor's default policy (every `uses:` pinned by commit, no exception configured)."""
    commit = "c0ffee" + "0" * 34
    tool = ("--tool-repo", "acme/reconcile", "--tool-commit", commit)
    done = subprocess.run(
        [str(wheel_bin / "reconcile"), "init", *tool],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "pinned by commit in their `uses:` lines" in done.stdout
    files = sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / ".github").rglob("*.yml"))
    assert lint(tmp_path, *files) == ""
    assert "unpinned-uses" not in (tmp_path / ".github" / "zizmor.yml").read_text()
    uses = [
        line.strip()
        for line in (tmp_path / ".github" / "workflows" / "plan.yml").read_text().splitlines()
        if line.strip().startswith("uses:")
    ]
    assert uses and all(u.endswith(f"@{commit} # v0.1.0") for u in uses), uses
