"""Recovery of a killed apply's switch never touches what a person did at the checkout since:
another branch, a branch moved on, their own staged version (found by a review)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from reconciler.serve.branches import open_served, recover_switch
from tests.fixtures_gitops import git
from tests.serve.test_switch_killed import ADDED, _killed_midway


def test_not_moved_then_person_committed_on_own_branch(tmp_path: Path) -> None:
    """Crash before the branch moved; the person keeps the file on a branch of theirs."""
    root = _killed_midway(tmp_path, "before-move")
    (root / ".git" / "index.lock").unlink()
    git(root, "switch", "--quiet", "-c", "rescue")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "keep b")
    recover_switch(open_served(root))
    after = git(root, "status", "--porcelain")
    assert after == "", "recovery edited the work tree of the person's branch 'rescue'"


def test_moved_then_person_reset_and_switched_branch(tmp_path: Path) -> None:
    """Crash after the branch moved; the person tidies up ('git reset --hard') and goes to a
    branch of theirs; the service restarts: the note's 'read-tree -m old new' runs on the
    index of their branch."""
    root = _killed_midway(tmp_path, "moved")
    (root / ".git" / "index.lock").unlink()
    git(root, "reset", "--quiet", "--hard")
    git(root, "branch", "mine", "main~1")
    git(root, "switch", "--quiet", "mine")
    before = git(root, "status", "--porcelain")
    try:
        recover_switch(open_served(root))
    finally:
        after = git(root, "status", "--porcelain")
    assert after == before, "recovery staged the applied manifest on the person's branch"


def test_moved_then_person_staged_own_version(tmp_path: Path) -> None:
    """Crash after the branch moved; the person removes the lock and stages their own
    version of the applied manifest: the repair git refuses is left to them, the service
    starts, and the note is dropped (it failed every apply before)."""
    root = _killed_midway(tmp_path, "moved")
    (root / ".git" / "index.lock").unlink()
    (root / ADDED).write_text("name: model-b\n# mine\n")
    git(root, "add", ADDED)
    recover_switch(open_served(root))
    assert (root / ADDED).read_text() == "name: model-b\n# mine\n"
    assert git(root, "diff", "--cached", "--name-only", "main").strip() == ADDED
    assert not (root / ".git" / "reconcile-switch").exists()


def test_note_in_a_worktree_of_another_served_branch(tmp_path: Path) -> None:
    """A switch killed in a 'git worktree' serving branch 'stage': the main checkout's start
    leaves it alone, the worktree's start makes it good."""
    import sys

    from tests.serve.test_switch_killed import KILLED

    root = _killed_midway(tmp_path, "moved")  # make a repo (and recover main first)
    recover_switch(open_served(root))
    wt = tmp_path / "stage"
    git(root, "worktree", "add", "--quiet", "-b", "stage", str(wt))
    done = subprocess.run(
        [sys.executable, "-c", KILLED.replace("model-b", "model-c"), "moved"],
        cwd=wt,
        env={"PYTHONPATH": str(Path(__file__).parents[1]), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        check=False,
    )
    assert done.returncode == -9
    wt_git = root / ".git" / "worktrees" / "stage"
    assert (wt_git / "reconcile-switch").is_file() and (wt_git / "index.lock").is_file()
    recover_switch(open_served(root))
    assert (wt_git / "reconcile-switch").is_file(), "main's start took the worktree's note"
    assert git(root, "status", "--porcelain") == ""
    recover_switch(open_served(wt))
    assert not (wt_git / "index.lock").exists()
    assert git(wt, "status", "--porcelain") == ""


def test_branch_moved_on_lock_left(tmp_path: Path) -> None:
    """Crash after the branch moved; the branch moves on by a ref update that needs no index
    (another worktree's 'git branch -f', a push into the checkout): recovery says 'left as it
    is' and drops its note, but the dead process's index.lock stays for good."""
    root = _killed_midway(tmp_path, "moved")
    tree = git(root, "rev-parse", "main^{tree}").strip()
    other = git(root, "commit-tree", tree, "-p", "main", "-m", "teammate").strip()
    git(root, "update-ref", "refs/heads/main", other)
    recover_switch(open_served(root))
    assert not (root / ".git" / "index.lock").exists(), "stale index.lock of the dead apply stays"
