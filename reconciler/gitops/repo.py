"""Reading the manifests' commit, and committing ``state/<env>/`` without touching anything else.

``commit_state`` uses ``git commit --only -- state/<env>``: git builds that commit from HEAD
plus the given paths in a temporary index, so files the user staged or edited elsewhere stay
exactly as they were (still staged, still dirty) and never enter the bot's commit. Hooks are
skipped (``--no-verify``) because a formatter hook rewriting ``audit.jsonl`` would break its
hash chain. Author and committer are the bot identity, so CI needs no git identity configured.
Pushing, with its rebase-and-retry, lives in ``push`` and is re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reconciler.gitops.git import GitFailed, Repository, find, require
from reconciler.gitops.gitutil import bot_identity
from reconciler.gitops.push import PushResult, push_state
from reconciler.gitops.writer import one_writer, writing
from reconciler.structs.errors import ConfigError
from reconciler.structs.redaction import redact

__all__ = ["HeadState", "PushResult", "commit_state", "head_commit", "head_state", "push_state"]
SKIP_CI = "[skip ci]"


@dataclass(frozen=True)
class HeadState:
    """The commit the manifests come from, and whether the working tree differs from it."""

    commit: str | None
    dirty: bool


def head_commit(root: Path) -> str | None:
    """HEAD's full sha; None outside a repository or before the first commit. Reads the refs
    only: whether the tree is dirty (a ``git status`` of every manifest) is ``head_state``'s."""
    repo = find(root)
    return repo.head() if repo is not None else None


def head_state(root: Path, env: str | None = None) -> HeadState:
    """HEAD and whether ``environments/`` (or one env's folder) has uncommitted changes."""
    repo = find(root)
    if repo is None:
        return HeadState(commit=None, dirty=False)
    folder = repo.path(root, "environments", *([env] if env else []))
    dirty = repo.dirty(folder) or bool(repo.ignored_manifests(folder))
    return HeadState(commit=repo.head(), dirty=dirty)


def commit_state(
    root: Path,
    env: str,
    *,
    message: str,
    author_name: str | None = None,
    author_email: str | None = None,
) -> str | None:
    """Commit only ``state/<env>/``; returns the new sha, or None when nothing changed."""
    message = redact(message)
    if SKIP_CI not in message:
        subject, _, body = message.partition("\n")
        message = f"{subject} {SKIP_CI}" + (f"\n{body}" if body else "")
    repo = require(root)
    path = repo.path(root, "state", env)
    with one_writer(repo):
        if _stage(repo, path, exists=(root / "state" / env).exists()):
            _commit(repo, path, message=message, identity=bot_identity(author_name, author_email))
            return repo.head()
    return None


def commit_and_push(
    root: Path,
    env: str,
    *,
    message: str,
    push: bool,
    remote: str,
    author_name: str | None = None,
) -> tuple[str | None, PushResult | None]:
    """``commit_state``, then with ``push`` ``push_state``, as one step of the checkout's
    writer (``gitops.writer``): another run on the checkout never sees the records commit
    without its push. The new sha (None when nothing changed) and the push's result."""
    with writing(root):
        commit = commit_state(root, env, message=message, author_name=author_name)
        return commit, push_state(root, remote=remote) if push else None


def _stage(repo: Repository, path: str, *, exists: bool) -> bool:
    """Stage ``path`` (additions, edits, deletions); True when it differs from HEAD."""
    if not exists and not repo.text("ls-files", "--", path):
        return False
    try:
        repo.run("add", "-A", "--", path)
    except GitFailed as exc:
        raise ConfigError(
            f"cannot stage {path}: {exc.detail}",
            hint="make sure .gitignore does not exclude state/",
        ) from exc
    return repo.dirty(path, untracked=False)


def _commit(repo: Repository, path: str, *, message: str, identity: dict[str, str]) -> None:
    try:
        repo.run(
            "commit",
            "--only",
            "--no-verify",
            "--quiet",
            "-m",
            message,
            "--",
            path,
            env=identity,
        )
    except GitFailed as exc:
        raise ConfigError(
            f"git commit of {path} failed: {exc.detail}",
            hint="fix the repository state and rerun with --commit",
        ) from exc
