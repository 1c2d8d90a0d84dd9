"""``gitops.git`` in the places the tool runs: another user's checkout, a hook's environment,
a root in a subfolder, a worktree, a remote that hangs or carries credentials."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.gitops.filelock import lock_path
from reconciler.gitops.git import GitFailed, UnsafeRepository, find, first_line, require
from reconciler.gitops.repo import commit_state, head_state, push_state
from reconciler.serve.branches import file_at, open_served
from reconciler.structs.errors import ConfigError
from tests.fixtures_gitops import Remote, append_entries, git, init_repo, write


@pytest.fixture
def no_global_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty global git config, so a developer's ``safe.directory=*`` cannot hide a refusal."""
    config = tmp_path / "gitconfig"
    config.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    return config


def _foreign(repo: Path, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if how == "chown":
        if os.geteuid() != 0:
            pytest.skip("changing a checkout's owner needs root")
        subprocess.run(["chown", "-R", "54321:54321", str(repo)], check=True, timeout=30)
    else:
        monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")  # honoured by git >= 2.35.2


@pytest.mark.parametrize("how", ["chown", "env"])
def test_another_users_checkout_is_refused_everywhere_with_the_fix_then_works_once_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_global_config: Path, how: str
) -> None:
    repo = init_repo(tmp_path / "config")
    write(repo / "state" / "staging" / "audit.jsonl", "{}\n")
    _foreign(repo, how, monkeypatch)
    top = str(repo.resolve())
    for read in (
        lambda: head_state(repo),
        lambda: commit_state(repo, "staging", message="m"),
        lambda: lock_path(repo, "staging"),  # it used to fall back to .reconciler/locks
        lambda: open_served(repo),
    ):
        with pytest.raises(UnsafeRepository) as refused:
            read()
        assert top in refused.value.message
        assert f"git config --global --add safe.directory {top}" in (refused.value.hint or "")
    no_global_config.write_text(f"[safe]\n\tdirectory = {top}\n")
    assert head_state(repo).dirty is False
    assert commit_state(repo, "staging", message="state") is not None
    assert lock_path(repo, "staging") == (repo / ".git" / "reconcile/locks/staging.lock").resolve()


def test_a_hooks_git_variables_do_not_redirect_reads_or_the_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = init_repo(tmp_path / "config")
    other = init_repo(tmp_path / "other")
    root = repo  # a hook of ``other`` runs reconcile with --root pointing here
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / ".git" / "index"))
    monkeypatch.setenv("GIT_PREFIX", "environments/")
    write(root / "state" / "staging" / "audit.jsonl", "{}\n")
    assert head_state(root).commit == git(repo, "rev-parse", "HEAD").strip()
    sha = commit_state(root, "staging", message="state")
    monkeypatch.delenv("GIT_DIR")
    monkeypatch.delenv("GIT_WORK_TREE")
    monkeypatch.delenv("GIT_INDEX_FILE")
    assert sha == git(repo, "rev-parse", "HEAD").strip()
    assert git(other, "log", "--format=%s").splitlines() == ["manifests"]
    assert git(other, "status", "--porcelain") == ""


def test_a_root_in_a_subfolder_of_a_worktree_commits_there_and_shares_the_lock(
    tmp_path: Path,
) -> None:
    top = init_repo(tmp_path / "top")
    git(top, "worktree", "add", "--quiet", "-b", "work", str(tmp_path / "wt"))
    root = tmp_path / "wt" / "teams" / "ml"
    write(root / "state" / "staging" / "audit.jsonl", "{}\n")
    sha = commit_state(root, "staging", message="state")
    assert sha == git(tmp_path / "wt", "rev-parse", "work").strip()
    assert git(top, "show", "--name-only", "--format=", "work").split() == [
        "teams/ml/state/staging/audit.jsonl"
    ]
    assert git(top, "rev-parse", "main") != sha
    assert lock_path(root, "staging") == lock_path(top, "staging")
    served = open_served(root)
    assert (served.branch, served.prefix) == ("work", "teams/ml")
    assert file_at(served, sha, "teams/ml/state/staging/audit.jsonl") == "{}\n"


def test_git_errors_carry_the_line_that_matters_without_credentials(tmp_path: Path) -> None:
    said = (
        b"remote: Invalid username or password.\n"
        b"fatal: Authentication failed for 'https://bot:ghp_SECRET123@github.com/o/r.git/'\n"
        b"hint: see 'git help credential'\n"
    )
    assert first_line(said) == "fatal: Authentication failed for 'https://***@github.com/o/r.git/'"
    repo = require(init_repo(tmp_path / "config"))
    with pytest.raises(GitFailed) as failed:
        repo.fetch("http://bot:s3cr3t-token@127.0.0.1:9/none.git", "main")
    assert "s3cr3t-token" not in failed.value.render()
    assert failed.value.message.startswith("git fetch failed: fatal:")


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A loopback port that accepts connections and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def test_a_git_that_hangs_stops_at_the_timeout_as_a_git_failure(
    tmp_path: Path, silent_server: int
) -> None:
    repo = require(init_repo(tmp_path / "config"))
    with pytest.raises(GitFailed, match="did not finish within 1s"):
        repo.run("fetch", f"http://127.0.0.1:{silent_server}/none.git", timeout=1.0)


def test_fetch_then_fast_forward_follows_the_remote_and_refuses_a_divergence(
    gitops_remote: Remote,
) -> None:
    write(gitops_remote.b / "environments" / "staging" / "models" / "b.yaml", "kind: X\n")
    git(gitops_remote.b, "add", "-A")
    git(gitops_remote.b, "commit", "--quiet", "-m", "b")
    git(gitops_remote.b, "push", "--quiet", "origin", "main")
    a = require(gitops_remote.a)
    upstream = a.fetch("origin", "main")
    assert a.fast_forward(upstream)
    assert a.head() == upstream == git(gitops_remote.b, "rev-parse", "HEAD").strip()
    git(gitops_remote.a, "commit", "--quiet", "--allow-empty", "-m", "local")
    git(gitops_remote.b, "commit", "--quiet", "--allow-empty", "-m", "remote")
    git(gitops_remote.b, "push", "--quiet", "origin", "main")
    before = a.head()
    assert not a.fast_forward(a.fetch("origin", "main"))
    assert a.head() == before


def test_a_folder_outside_any_repository_is_none_and_required_says_what_to_do(
    tmp_path: Path,
) -> None:
    assert find(tmp_path) is None
    assert find(tmp_path / "missing") is None
    with pytest.raises(ConfigError, match="not inside a git working tree"):
        require(tmp_path)


def test_a_checkout_trusted_through_git_config_variables_rebases_and_pushes(
    gitops_remote: Remote, monkeypatch: pytest.MonkeyPatch, no_global_config: Path
) -> None:
    """CI may trust a foreign checkout with GIT_CONFIG_COUNT; the rebase's merge driver adds
    its settings after those (it used to replace them, and the rebase was refused)."""
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    # git drops GIT_CONFIG_* for the receiving side of a push to a path: trust that globally
    no_global_config.write_text(f"[safe]\n\tdirectory = {gitops_remote.bare}\n")
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "safe.directory")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "*")
    for clone, prefix in ((gitops_remote.a, "a"), (gitops_remote.b, "b")):
        append_entries(clone / "state" / "staging" / "audit.jsonl", 1, prefix=prefix)
        assert commit_state(clone, "staging", message=prefix) is not None
    assert push_state(gitops_remote.a, sleep=lambda _s: None).pushed
    result = push_state(gitops_remote.b, sleep=lambda _s: None)
    assert (result.pushed, result.rebases) == (True, 1), result


def test_changed_paths_are_the_names_themselves_and_a_rename_its_new_path(tmp_path: Path) -> None:
    """Read from ``git status -z``: git's quoted form ("\\303\\244 b.yaml") and a rename's
    "old -> new" were taken for paths by the line parsers this replaced; a rename gives both
    its paths."""
    root = init_repo(tmp_path / "repo")
    models = root / "environments" / "staging" / "models"
    git(root, "mv", str(models / "a.yaml"), str(models / "renamed.yaml"))
    write(models / "ä b.yaml", "kind: ModelEndpoint\n")
    write(root / "state" / "staging" / 'say "hi".txt', "x\n")
    repo = require(root)
    assert sorted(repo.changed_paths()) == [
        "environments/staging/models/a.yaml",  # the rename's source: gone from there
        "environments/staging/models/renamed.yaml",
        "environments/staging/models/ä b.yaml",
        'state/staging/say "hi".txt',
    ]
    assert repo.changed_paths("state/") == ['state/staging/say "hi".txt']


def test_a_rename_in_the_work_tree_gives_both_its_paths(tmp_path: Path) -> None:
    """git reports a rename made in the work tree in the second status column (' R'): its
    source field was read as an entry of its own, with its first three characters cut."""
    root = init_repo(tmp_path / "repo")
    env = root / "environments" / "staging"
    (env / "environment.yaml").rename(env / "env.yaml")
    git(root, "add", "-N", str(env / "env.yaml"))
    assert sorted(require(root).changed_paths()) == [
        "environments/staging/env.yaml",
        "environments/staging/environment.yaml",
    ]
