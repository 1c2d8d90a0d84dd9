"""The issue's "done when": in an empty folder, the wheel's reconcile runs init, validate and
a sandbox plan, as a user does right after ``pip install <wheel>`` (the fixture installs it)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


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
