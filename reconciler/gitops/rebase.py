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

from reconciler.gitops.git import GitFailed, Repository
from reconciler.gitops.merge import resolve
from reconciler.gitops.mergedriver import driver_environment
from reconciler.gitops.reanchor import reanchor, state_files
from reconciler.gitops.state import verify_environment

_MAX_STOPS = 100


class RebaseFailed(Exception):
    """The rebase could not be completed automatically; the worktree was restored."""


def rebase_onto(work: Repository, upstream: str, *, identity: dict[str, str]) -> str:
    """Rebase the worktree's HEAD onto ``upstream``; returns the new HEAD sha."""
    before = _head(work)
    with tempfile.TemporaryDirectory(prefix="reconcile-merge-") as temp:
        env = {**identity, "GIT_EDITOR": "true", **driver_environment(Path(temp) / "attributes")}
        if not work.ok("rebase", "--no-verify", "--quiet", upstream, env=env):
            _resolve_until_done(work, env=env)
    reanchor(work, before=before, upstream=upstream, identity=identity)
    _check_state(work, upstream)
    return _head(work)


def _head(work: Repository) -> str:
    head = work.head()
    if head is None:
        raise RebaseFailed(f"the checkout {work.top} has no commit to rebase")
    return head


def _resolve_until_done(work: Repository, *, env: dict[str, str]) -> None:
    for _ in range(_MAX_STOPS):
        conflicted = work.text("diff", "--name-only", "--diff-filter=U").splitlines()
        if not conflicted:
            _abort(work, "git rebase stopped without a conflict to resolve")
        for path in conflicted:
            _resolve_file(work, path)
        if work.ok("rebase", "--continue", env=env):
            return
    _abort(work, f"git rebase stopped more than {_MAX_STOPS} times")


def _resolve_file(work: Repository, path: str) -> None:
    text = resolve(path, upstream=_stage(work, 2, path), ours=_stage(work, 3, path))
    if text is None:
        _abort(
            work,
            f"conflict in {path}, which is not a state file: resolve it by hand, then push again",
        )
    target = work.top / path
    target.write_text(text, encoding="utf-8", newline="\n")
    work.run("add", "--", path)


def _stage(work: Repository, stage: int, path: str) -> str:
    done = work.run("show", f":{stage}:{path}", check=False)
    return done.stdout.decode("utf-8", errors="replace") if done.ok else ""


def _check_state(work: Repository, upstream: str) -> None:
    envs = {PurePosixPath(p).parent for p in state_files(work, upstream)}
    for folder in sorted(envs):
        root = work.top / folder.parent.parent
        verdict = verify_environment(root, folder.name)
        if not verdict.ok:
            log = (folder / "audit.jsonl").as_posix()
            raise RebaseFailed(
                f"after rebasing, {log} line {verdict.first_bad_line} does not "
                f"verify ({verdict.reason}); nothing was pushed"
            )


def _abort(work: Repository, reason: str) -> NoReturn:
    try:
        work.run("rebase", "--abort")
    except GitFailed as exc:
        reason += f" (and 'git rebase --abort' failed: {exc.detail})"
    raise RebaseFailed(reason)
