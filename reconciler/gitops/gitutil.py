"""Small git helpers shared by committing and pushing: finding the repository, paths, identity."""

from __future__ import annotations

import os
from pathlib import Path

from git import GitCommandError, InvalidGitRepositoryError, NoSuchPathError, Repo

from reconciler.structs.errors import ConfigError

DEFAULT_AUTHOR_NAME = "reconcile-bot"
DEFAULT_AUTHOR_EMAIL = "reconcile-bot@users.noreply.github.com"


def open_repo(root: Path) -> Repo | None:
    """The repository containing ``root`` (which may be a subfolder of it), or None."""
    try:
        return Repo(root, search_parent_directories=True)
    except (InvalidGitRepositoryError, NoSuchPathError):
        return None


def in_repo(repo: Repo, root: Path, *parts: str) -> str:
    """A path under ``root`` as a pathspec relative to the repository's top folder."""
    top = Path(str(repo.working_tree_dir)).resolve()
    return (root.resolve().joinpath(*parts)).relative_to(top).as_posix()


def bot_identity(name: str | None = None, email: str | None = None) -> dict[str, str]:
    """Author and committer: arguments, else RECONCILE_GIT_AUTHOR_NAME/EMAIL, else the bot."""
    name = name or os.environ.get("RECONCILE_GIT_AUTHOR_NAME") or DEFAULT_AUTHOR_NAME
    email = email or os.environ.get("RECONCILE_GIT_AUTHOR_EMAIL") or DEFAULT_AUTHOR_EMAIL
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }


def require_repo(root: Path) -> Repo:
    repo = open_repo(root)
    if repo is None or repo.bare:
        raise ConfigError(
            f"{root} is not inside a git working tree, so state cannot be committed",
            hint="run 'git init' there, or drop --commit/--push",
        )
    return repo


def first_line(exc: GitCommandError) -> str:
    text = str(exc.stderr or exc).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1].removeprefix("stderr: ").strip("'") if lines else "unknown git error"
