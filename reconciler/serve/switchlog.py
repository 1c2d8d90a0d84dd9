"""A note of the served checkout's switch under way, so a process killed midway is made good.

A direct apply switches the checkout in steps (``branches``): the new index is written into
git's ``index.lock`` with the work tree, the branch moves, the lock is renamed over the index.
A ``kill -9`` (or a power cut) between the branch moving and the rename left the lock behind
and the old index under the new commit: once a person removed the lock, ``git status`` showed
the applied manifest deleted, and their next ``git commit -a`` deleted it. Killed before the
branch moved, the work tree held the new manifest that no commit had.

So the switch first writes ``reconcile-switch`` in the checkout's git folder (the branch, the
commit it leaves and the one it makes) and removes it when done. The next switch, or the
service's start, finds a note only when its writer died (they are made under the checkout's
writer lock), and finishes the switch when the branch moved or puts the files back when not.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from reconciler.gitops.git import GitFailed, Repository

NOTE = "reconcile-switch"


@contextmanager
def noted(repo: Repository, *, ref: str, old: str, new: str) -> Iterator[None]:
    """The note, kept while the switch runs; left behind only by a process that died."""
    note = repo.git_dir / NOTE
    note.write_text(f"{ref} {old} {new}\n", encoding="utf-8")
    try:
        yield
    finally:
        note.unlink(missing_ok=True)


def recover(repo: Repository) -> str | None:
    """Finish or undo the switch a dead process left; what was done, None if nothing was
    left. Call it holding the checkout's writer lock (``gitops.writer``).

    A person may have been at the checkout since the crash; what is theirs is never touched:
    a checkout on another branch than the note's (the index and files are that branch's), a
    branch that moved on. A repair git refuses (a person staged their own version of the
    file) is left to them, and the note dropped, with the reason. The ``index.lock`` found is
    taken for the dead process's (git writes no owner into it): the docs say to restart the
    service rather than remove it by hand and run git meanwhile."""
    note = repo.git_dir / NOTE
    try:
        ref, old, new = note.read_text(encoding="utf-8").split()
    except FileNotFoundError:
        return None
    except ValueError:  # killed while writing the note, before anything else
        (repo.git_dir / "index.lock").unlink(missing_ok=True)
        note.unlink()
        return "a switch killed before it started was dropped"
    if repo.branch_ref() != ref:
        note.unlink()
        return f"a switch of {ref} to {new[:12]} was left: the checkout is on another branch"
    tip = repo.commit(ref)
    try:
        done = _finish_or_undo(repo, ref=ref, tip=tip, old=old, new=new)
    except GitFailed as exc:
        done = (
            f"a switch of {ref} to {new[:12]} could not be finished ({exc.detail}); the "
            f"index and files are left as they are: 'git status' shows what differs from {ref}"
        )
    note.unlink()
    return done


def _finish_or_undo(repo: Repository, *, ref: str, tip: str | None, old: str, new: str) -> str:
    lock = repo.git_dir / "index.lock"
    if tip == new:
        if lock.is_file():  # complete: the branch moves only after the index is written
            os.replace(lock, repo.git_dir / "index")
        else:  # a person removed the lock: the files are there, the index follows them
            repo.run("read-tree", "-m", old, new)
        return f"the switch of {ref} to {new[:12]} was finished"
    if tip == old:
        lock.unlink(missing_ok=True)
        _put_back(repo, old=old, new=new)
        return f"the switch of {ref} to {new[:12]} was undone (the branch had not moved)"
    lock.unlink(missing_ok=True)  # the dead process's
    return f"a switch of {ref} to {new[:12]} was left as it is: the branch moved on since"


def _put_back(repo: Repository, *, old: str, new: str) -> None:
    """Files the switch wrote go back to ``old``; a file edited since is left alone."""
    changed = repo.run("diff", "--name-only", "-z", old, new).stdout.decode("utf-8")
    for path in filter(None, changed.split("\0")):
        target = repo.top / path
        wrote, before = repo.blob(new, path), repo.blob(old, path)
        current = target.read_bytes() if target.is_file() else None
        if current != wrote:
            continue  # not as the switch left it
        if before is None:
            target.unlink(missing_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(before)
