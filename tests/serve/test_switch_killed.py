"""kill -9 of a process midway through a direct apply's switch of the served checkout: the
next switch, or the service's start, finishes it (the branch had moved) or undoes it (it had
not), so no stale ``index.lock`` stays and no person's ``git commit -a`` deletes the applied
manifest (second review M2).

A real ``git`` repository and a real Python process killed with SIGKILL at the step named.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.serve.branches import commit_on_branch, open_served, recover_switch
from tests.fixtures_gitops import configure, git

FOLDER = "environments/dev"
ADDED = f"{FOLDER}/models/model-b.yaml"

KILLED = """
import os, signal, sys
from pathlib import Path
from reconciler.gitops.git import Repository
from reconciler.serve import branches

def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)

if sys.argv[1] == "moved":  # the branch moved, the index not yet renamed into place
    branches.os.replace = lambda *a: die()  # type: ignore[assignment]
else:  # the work tree switched, the branch not yet moved
    real_ok = Repository.ok
    Repository.ok = lambda self, *a, **k: die() if a[0] == "update-ref" else real_ok(self, *a, **k)
served = branches.open_served(Path("."))
branches.commit_on_branch(served, base=served.tip(), folder="environments/dev",
    path="environments/dev/models/model-b.yaml", text="name: model-b\\n", message="apply b")
"""


def _killed_midway(tmp_path: Path, step: str) -> Path:
    root = tmp_path / "repo"
    git(tmp_path, "init", "--quiet", "-b", "main", str(root))
    configure(root)
    (root / FOLDER / "models").mkdir(parents=True)
    (root / FOLDER / "models" / "a.yaml").write_text("name: a\n")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "init")
    done = subprocess.run(
        [sys.executable, "-c", KILLED, step],
        cwd=root,
        env={"PYTHONPATH": str(Path(__file__).parents[2]), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        check=False,
    )
    assert done.returncode == -9, done.stderr.decode()
    assert (root / ".git" / "index.lock").is_file()  # what a person found
    return root


@pytest.mark.parametrize(
    ("step", "lock_removed", "subjects"),
    [
        ("moved", False, ["apply b", "init"]),
        ("moved", True, ["apply b", "init"]),
        ("before-move", False, ["init"]),
    ],
    ids=["branch-moved", "branch-moved-lock-removed-by-hand", "branch-not-moved"],
)
def test_the_service_start_makes_a_killed_switch_good(
    tmp_path: Path, step: str, lock_removed: bool, subjects: list[str]
) -> None:
    root = _killed_midway(tmp_path, step)
    if lock_removed:
        (root / ".git" / "index.lock").unlink()  # as the busy message told them
    recover_switch(open_served(root))
    assert not (root / ".git" / "index.lock").exists()
    assert git(root, "log", "--format=%s", "main").split("\n")[:-1] == subjects
    assert git(root, "status", "--porcelain") == ""
    assert (root / ADDED).is_file() == (step == "moved")
    git(root, "commit", "--quiet", "--allow-empty", "-am", "fix typo")  # a person's next commit
    assert git(root, "show", "--name-only", "--format=", "HEAD").strip() == ""


def test_the_next_apply_after_a_killed_switch_goes_through(tmp_path: Path) -> None:
    root = _killed_midway(tmp_path, "moved")
    served = open_served(root)
    commit_on_branch(
        served,
        base=served.tip(),
        folder=FOLDER,
        path=f"{FOLDER}/models/model-c.yaml",
        text="name: model-c\n",
        message="apply c",
    )
    assert git(root, "log", "--format=%s", "main").split("\n")[:2] == ["apply c", "apply b"]
    assert git(root, "status", "--porcelain") == ""
