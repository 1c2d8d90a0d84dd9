"""Rebasing our state commits onto the remote branch, resolving state-file conflicts.

Runs ``git rebase`` in a worktree that only this process uses, with the ``mergedriver``
enabled so state files are merged by ``merge.resolve`` whenever both sides changed them. If
git still stops on a state file (the driver failed), it is resolved the same way from its two
index stages (2: the branch being rebased onto, 3: our commit being replayed) and the rebase
continues.
A conflict in any other file aborts the rebase: that needs a person. Afterwards the snapshots'
audit anchors are moved to where their entries landed (``reanchor``), and every environment
whose state the rebase changed relative to upstream must verify (chain and anchor), so a
broken chain is never pushed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePosixPath
from typing import NoReturn

from git import GitCommandError, Repo

from reconciler.gitops.gitutil import first_line
from reconciler.gitops.merge import resolve
from reconciler.gitops.mergedriver import driver_environment
from reconciler.gitops.reanchor import reanchor, state_files
from reconciler.gitops.state import verify_environment

_MAX_STOPS = 100


class RebaseFailed(Exception):
    """The rebase could not be completed automatically; the worktree was restored."""


def rebase_onto(work: Repo, upstream: str, *, identity: dict[str, str]) -> str:
    """Rebase the worktree's HEAD onto ``upstream``; returns the new HEAD sha."""
    before = str(work.head.commit.hexsha)
    with tempfile.TemporaryDirectory(prefix="reconcile-merge-") as temp:
        env = {**identity, "GIT_EDITOR": "true", **driver_environment(Path(temp) / "attributes")}
        try:
            work.git.rebase("--no-verify", "--quiet", upstream, env=env)
        except GitCommandError:
            _resolve_until_done(work, env=env)
    reanchor(work, before=before, upstream=upstream, identity=identity)
    _check_state(work, upstream)
    return str(work.head.commit.hexsha)


def _resolve_until_done(work: Repo, *, env: dict[str, str]) -> None:
    for _ in range(_MAX_STOPS):
        conflicted = work.git.diff("--name-only", "--diff-filter=U").splitlines()
        if not conflicted:
            _abort(work, "git rebase stopped without a conflict to resolve")
        for path in conflicted:
            _resolve_file(work, path)
        try:
            work.git.rebase("--continue", env=env)
            return
        except GitCommandError:
            continue
    _abort(work, f"git rebase stopped more than {_MAX_STOPS} times")


def _resolve_file(work: Repo, path: str) -> None:
    text = resolve(path, upstream=_stage(work, 2, path), ours=_stage(work, 3, path))
    if text is None:
        _abort(
            work,
            f"conflict in {path}, which is not a state file: resolve it by hand, then push again",
        )
    target = Path(str(work.working_tree_dir)) / path
    target.write_text(text, encoding="utf-8", newline="\n")
    work.git.add("--", path)


def _stage(work: Repo, stage: int, path: str) -> str:
    try:
        return str(work.git.show(f":{stage}:{path}", strip_newline_in_stdout=False))
    except GitCommandError:
        return ""


def _check_state(work: Repo, upstream: str) -> None:
    envs = {PurePosixPath(p).parent for p in state_files(work, upstream)}
    for folder in sorted(envs):
        root = Path(str(work.working_tree_dir)) / folder.parent.parent
        verdict = verify_environment(root, folder.name)
        if not verdict.ok:
            log = (folder / "audit.jsonl").as_posix()
            raise RebaseFailed(
                f"after rebasing, {log} line {verdict.first_bad_line} does not "
                f"verify ({verdict.reason}); nothing was pushed"
            )


def _abort(work: Repo, reason: str) -> NoReturn:
    try:
        work.git.rebase("--abort")
    except GitCommandError as exc:
        reason += f" (and 'git rebase --abort' failed: {first_line(exc)})"
    raise RebaseFailed(reason)
