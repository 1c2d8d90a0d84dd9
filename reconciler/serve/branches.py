"""Commits made without a work tree: the served checkout, its index and its branch stay as
they are while configure requests commit manifests on branches of their own.

A commit is built with git's plumbing on a private index file (``read-tree`` of the base,
``update-index`` of the one manifest, ``write-tree``, ``commit-tree``) and a branch is created
with ``update-ref`` only if it does not exist yet, so two requests can never share one. The
environment folder of the base commit is read straight from git's objects for validation.
GitPython's ``Repo`` keeps one ``cat-file`` process per instance and is not safe to share
between threads, so every operation opens its own.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from git import Blob, GitCommandError, Repo

from reconciler.gitops.gitutil import bot_identity, first_line, in_repo, require_repo
from reconciler.structs.errors import ConfigError
from reconciler.structs.identifiers import (
    has_control,
    is_environment_name,
    is_model_name,
    require_model_name,
)

ZERO = "0" * 40


@dataclass(frozen=True)
class Served:
    """The served repository: where the config root sits in it, and its checked-out branch."""

    top: Path
    root: Path
    branch: str
    prefix: str  # the config root relative to ``top``, "" when they are the same

    @contextmanager
    def repo(self) -> Iterator[Repo]:
        repo = Repo(self.top)
        try:
            yield repo
        finally:
            repo.close()

    def path(self, *parts: str) -> str:
        return "/".join(p for p in (self.prefix, *parts) if p)

    def tip(self) -> str:
        with self.repo() as repo:
            return str(repo.commit(f"refs/heads/{self.branch}").hexsha)


def open_served(root: Path) -> Served:
    with require_repo(root) as repo:
        if repo.head.is_detached:
            raise ConfigError(
                f"the served repository {repo.working_tree_dir} has a detached HEAD",
                hint="check out the branch that environments are applied from (e.g. main)",
            )
        prefix = in_repo(repo, root)
        return Served(
            top=Path(str(repo.working_tree_dir)),
            root=root,
            branch=str(repo.active_branch.name),
            prefix="" if prefix == "." else prefix,
        )


def read_folder(served: Served, commit: str, folder: str, dest: Path) -> None:
    """Write the files under ``folder`` at ``commit`` into ``dest/folder``."""
    with served.repo() as repo:
        try:
            tree = repo.commit(commit).tree / folder
        except KeyError:
            return
        for item in tree.traverse():
            if isinstance(item, Blob):
                target = dest / item.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(item.data_stream.read())


def is_commit(served: Served, commit: str) -> bool:
    """Whether ``commit`` names a commit of the served repository."""
    with served.repo() as repo:
        try:
            repo.git.rev_parse("--verify", "--quiet", f"{commit}^{{commit}}")
        except GitCommandError:
            return False
    return True


def file_at(served: Served, commit: str, path: str) -> str | None:
    with served.repo() as repo:
        try:
            blob = repo.commit(commit).tree / path
        except KeyError:
            return None
        return str(blob.data_stream.read().decode("utf-8"))


def commit_file(
    served: Served, *, base: str, path: str, text: str, message: str, author: str | None = None
) -> str:
    """A new commit on top of ``base`` whose only change is ``path`` holding ``text``, by
    ``author`` (default: the bot)."""
    _checked_path(path)
    with served.repo() as repo, tempfile.TemporaryDirectory(prefix="reconcile-serve-") as temp:
        git = repo.git
        env = {"GIT_INDEX_FILE": str(Path(temp) / "index"), **bot_identity(author)}
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=temp, delete=False) as f:
            f.write(text)
        blob = git.hash_object("-w", f.name)
        git.read_tree(base, env=env)
        git.update_index("--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
        tree = git.write_tree(env=env)
        return str(git.commit_tree(tree, "-p", base, "-m", message, env=env))


def new_branch(served: Served, *, prefix: str, commit: str) -> str:
    """Create ``prefix-<random>`` at ``commit``; refuses to move an existing ref."""
    _checked_prefix(prefix)
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    with served.repo() as repo:
        repo.git.update_ref(f"refs/heads/{name}", commit, ZERO)
    return name


def _checked_path(path: str) -> None:
    """Refuse a path this layer would not build from validated names: callers are trusted to
    validate, and this is where a name they missed would become a file on a branch."""
    parts = path.split("/")
    if any(p in ("", ".", "..") or has_control(p) for p in parts):
        raise ConfigError(
            f"refusing to commit the path {path!r}",
            hint="paths are built from validated environment and model names",
        )
    if len(parts) >= 2 and parts[-2] == "models":
        require_model_name(parts[-1].removesuffix(".yaml"))


def _checked_prefix(prefix: str) -> None:
    if not all(is_environment_name(p) or is_model_name(p) for p in prefix.split("/")):
        raise ConfigError(
            f"refusing to create a branch named after {prefix!r}",
            hint="branch names are built from validated environment and model names",
        )


def advance_branch(served: Served, *, old: str, new: str) -> None:
    """Move the served branch from ``old`` to ``new`` and bring its checkout along, keeping
    local edits to other files (``read-tree -m -u`` is the switch ``git checkout`` makes)."""
    try:
        with served.repo() as repo:
            repo.git.read_tree("-m", "-u", old, new)
            repo.git.update_ref(
                "-m", "reconcile serve: apply", f"refs/heads/{served.branch}", new, old
            )
    except GitCommandError as exc:
        raise ConfigError(
            f"cannot bring the served checkout to the new commit: {first_line(exc)}",
            hint="commit or discard local edits to that manifest in the served repository",
        ) from exc


def push_branch(served: Served, branch: str, *, remote: str = "origin") -> str | None:
    """Push ``branch``; None when it landed, else git's reason (the commit stays local)."""
    try:
        with served.repo() as repo:
            repo.git.push("--porcelain", remote, f"refs/heads/{branch}:refs/heads/{branch}")
    except GitCommandError as exc:
        return first_line(exc)
    return None
