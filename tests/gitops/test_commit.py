"""Committing state: only ``state/<env>/``, ``[skip ci]``, the bot author, user work untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.gitops.repo import commit_state, head_commit, head_state
from reconciler.structs.errors import ConfigError
from tests.fixtures_gitops import append_entries, git, init_repo, write


def _state(repo: Path, env: str = "staging") -> None:
    append_entries(repo / "state" / env / "audit.jsonl", 2, env=env)
    write(repo / "state" / env / "snapshot.json", '{"serial": 1}\n')


def test_commit_touches_only_the_environments_state(gitops_repo: Path) -> None:
    _state(gitops_repo, "staging")
    _state(gitops_repo, "prod")
    sha = commit_state(gitops_repo, "staging", message="reconcile(staging): 1 create")
    assert sha == head_commit(gitops_repo)
    files = git(gitops_repo, "show", "--name-only", "--format=", sha).split()
    assert files == ["state/staging/audit.jsonl", "state/staging/snapshot.json"]
    assert "2 files changed" in git(gitops_repo, "show", "--stat", "--format=", sha)
    assert "?? state/prod/" in git(gitops_repo, "status", "--porcelain")


def test_message_carries_skip_ci_and_author_is_the_bot(gitops_repo: Path) -> None:
    _state(gitops_repo)
    sha = commit_state(gitops_repo, "staging", message="reconcile(staging): applied\n\nbody")
    subject, author, committer = git(
        gitops_repo, "show", "-s", "--format=%s%n%an <%ae>%n%cn <%ce>", sha
    ).splitlines()
    assert subject == "reconcile(staging): applied [skip ci]"
    assert author == committer == "reconcile-bot <reconcile-bot@users.noreply.github.com>"
    _state(gitops_repo)
    sha = commit_state(gitops_repo, "staging", message="already [skip ci] here")
    assert git(gitops_repo, "show", "-s", "--format=%B", sha).count("[skip ci]") == 1


def test_author_from_arguments_then_environment(
    gitops_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECONCILE_GIT_AUTHOR_NAME", "ops-bot")
    monkeypatch.setenv("RECONCILE_GIT_AUTHOR_EMAIL", "ops@example.invalid")
    _state(gitops_repo)
    sha = commit_state(gitops_repo, "staging", message="m")
    assert (
        git(gitops_repo, "show", "-s", "--format=%an <%ae>", sha).strip()
        == "ops-bot <ops@example.invalid>"
    )
    _state(gitops_repo)
    sha = commit_state(
        gitops_repo, "staging", message="m", author_name="Ann", author_email="ann@example.invalid"
    )
    assert (
        git(gitops_repo, "show", "-s", "--format=%an <%ae>", sha).strip()
        == "Ann <ann@example.invalid>"
    )


def test_users_staged_and_dirty_files_stay_as_they_were(gitops_repo: Path) -> None:
    staged = gitops_repo / "environments" / "staging" / "models" / "b.yaml"
    write(staged, "kind: ModelEndpoint\n")
    git(gitops_repo, "add", str(staged))
    dirty = gitops_repo / "environments" / "staging" / "models" / "a.yaml"
    write(dirty, "kind: ModelEndpoint  # edited\n")
    _state(gitops_repo)
    sha = commit_state(gitops_repo, "staging", message="m")
    assert git(gitops_repo, "show", "--name-only", "--format=", sha).split() == [
        "state/staging/audit.jsonl",
        "state/staging/snapshot.json",
    ]
    status = git(gitops_repo, "status", "--porcelain").splitlines()
    assert sorted(status) == [
        " M environments/staging/models/a.yaml",
        "A  environments/staging/models/b.yaml",
    ]


def test_nothing_to_commit_returns_none(gitops_repo: Path) -> None:
    assert commit_state(gitops_repo, "staging", message="m") is None
    _state(gitops_repo)
    assert commit_state(gitops_repo, "staging", message="m") is not None
    assert commit_state(gitops_repo, "staging", message="m") is None


def test_deleted_state_files_are_committed_as_deletions(gitops_repo: Path) -> None:
    _state(gitops_repo)
    commit_state(gitops_repo, "staging", message="m")
    (gitops_repo / "state" / "staging" / "snapshot.json").unlink()
    sha = commit_state(gitops_repo, "staging", message="m")
    assert git(gitops_repo, "show", "--name-status", "--format=", sha).split() == [
        "D",
        "state/staging/snapshot.json",
    ]


def test_root_may_be_a_folder_inside_the_repository(tmp_path: Path) -> None:
    outer = init_repo(tmp_path / "mono")
    root = outer / "llm-config"
    _state(root)
    sha = commit_state(root, "staging", message="m")
    assert git(outer, "show", "--name-only", "--format=", sha).split() == [
        "llm-config/state/staging/audit.jsonl",
        "llm-config/state/staging/snapshot.json",
    ]


def test_ignored_state_is_a_config_error(gitops_repo: Path) -> None:
    write(gitops_repo / ".gitignore", "state/\n")
    _state(gitops_repo)
    with pytest.raises(ConfigError, match="cannot stage") as caught:
        commit_state(gitops_repo, "staging", message="m")
    assert ".gitignore" in (caught.value.hint or "")


def test_outside_git_commit_is_a_config_error_and_head_is_none(tmp_path: Path) -> None:
    assert head_commit(tmp_path) is None
    with pytest.raises(ConfigError, match="not inside a git working tree"):
        commit_state(tmp_path, "staging", message="m")


def test_head_state_reports_commit_and_dirty_manifests(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "--quiet")
    assert head_commit(empty) is None
    repo = init_repo(tmp_path / "repo")
    clean = head_state(repo)
    assert clean.commit == git(repo, "rev-parse", "HEAD").strip() and not clean.dirty
    write(repo / "environments" / "prod" / "models" / "new.yaml", "x: 1\n")
    assert head_state(repo).dirty and head_state(repo, "prod").dirty
    assert not head_state(repo, "staging").dirty
    _state(repo)
    assert not head_state(repo, "staging").dirty


def test_a_manifest_gitignore_hides_makes_the_environment_dirty(tmp_path: Path) -> None:
    """The manifests are loaded from the folder, ignored files included: a record naming the
    clean commit would claim a commit that does not hold what was applied (found by a review
    of the service; the main job had the same blind spot)."""
    repo = init_repo(tmp_path / "config")
    write(repo / "environments" / "dev" / "environment.yaml", "kind: Environment\n")
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "dev")
    assert head_state(repo, "dev").dirty is False
    (repo / ".git" / "info" / "exclude").write_text("sneaky.yaml\n")
    write(repo / "environments" / "dev" / "models" / "sneaky.yaml", "name: sneaky\n")
    assert head_state(repo, "dev").dirty is True


def test_an_ignored_file_that_is_no_manifest_leaves_it_clean(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "config")
    write(repo / "environments" / "dev" / "environment.yaml", "kind: Environment\n")
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "dev")
    (repo / ".git" / "info" / "exclude").write_text(".DS_Store\n*.swp\n")
    write(repo / "environments" / "dev" / ".DS_Store", "x")
    write(repo / "environments" / "dev" / "models" / ".m.yaml.swp", "x")
    assert head_state(repo, "dev").dirty is False
