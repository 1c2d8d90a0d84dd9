"""Bringing an agent's clone up to its tracked branch: fetch, then fast-forward only.

The sync agent applies what is committed on the remote, so its clone must never hold edits
or history of its own that the remote lacks: a dirty tree would apply something nobody
reviewed, and a merge would invent a commit. Both are refused with what to do. The agent's
own records (``state/``) and its local files (``.reconciler/``) are the exception: they are
what a crashed round leaves behind. Records left uncommitted are handed to ``settle`` before
anything is merged, which commits them as the main job does after a crash (and pushes them,
rebased onto the remote): left in the tree, they would block every fast-forward that brings
a commit of the same files, such as another clone's record of the same change. Local
commits are refused unless they are records (``_records_only``), whether or not the remote
moved; with ``push``, records a failed push left are pushed, rebased as the main job's push
rebases them, rather than refused as diverged for good.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reconciler.gitops.canonical import audit_key
from reconciler.gitops.git import GitFailed, Repository, require
from reconciler.gitops.history import successor, version_at
from reconciler.gitops.locksettings import DEFAULT_REMOTE
from reconciler.gitops.push import push_state
from reconciler.gitops.writer import one_writer
from reconciler.structs.display import listed
from reconciler.structs.errors import ConfigError, ReconcileError
from reconciler.structs.paths import RECORD_FILES

OWN_PATHS = ("state", ".reconciler")


@dataclass(frozen=True)
class Pulled:
    """Where the clone was and is, and how many commits the fast-forward brought in."""

    before: str
    after: str
    behind: int
    upstream: str
    records_pending: bool = False  # state/<env>/ had uncommitted records (a stopped round's)
    pushed: int = 0  # local record commits an earlier push had not landed, pushed now


def fast_forward(
    root: Path,
    *,
    env: str | None = None,
    remote: str = DEFAULT_REMOTE,
    settle: Callable[[], object] | None = None,
    push: bool = False,
) -> Pulled:
    """Fetch ``remote`` and move the current branch to its upstream when that is a fast-forward.

    ``env``: also say whether ``state/<env>/`` holds uncommitted records, from the same
    ``git status`` (one subprocess less per round). ``settle``: called when it does, before
    the merge, to commit them (and push them). ``push``: local commits of nothing but
    ``state/<env>/`` (records whose push failed) are pushed first, rebased onto the remote
    as the main job's push does, instead of being refused as diverged history."""
    repo = require(root)
    before, branch, upstream = _tracked(repo, remote)
    _fetch(repo, remote=remote, branch=branch, upstream=upstream)
    own = _refuse_dirty(repo, root, upstream)
    records = repo.path(root, "state", env) + "/" if env else None
    pending = records is not None and any(p.startswith(records) for p in own)
    ahead, behind = repo.distance("HEAD", upstream)
    incoming = behind
    if pending and settle is not None:
        settle()
        ahead, behind = repo.distance("HEAD", upstream)
    pushed = 0
    if ahead and env and records:
        if not _records_only(repo, upstream, records):
            raise ConfigError(
                f"the checkout has {ahead} local commit(s) that are not on {upstream} and "
                f"change more than state/{env}/'s audit log and snapshot; the agent applies "
                f"only what is committed on {remote}",
                hint="push them through review from another clone, or save them elsewhere "
                f"and 'git reset --hard {upstream}'",
            )
        if push:
            _chains(root, repo, upstream, env)
            _push_records(root, remote=remote, upstream=upstream, ahead=ahead)
            pushed, (ahead, behind) = ahead, repo.distance("HEAD", upstream)
    if ahead and behind:
        raise ConfigError(
            f"the checkout has diverged from {upstream}: {ahead} local commit(s) are not on "
            f"it and it has {behind} new one(s)",
            hint=f"the agent only fast-forwards; run it with --push so its records reach "
            f"{remote}, or save the local commits elsewhere and 'git reset --hard {upstream}'",
        )
    if behind:
        _merge(repo, upstream)
    after = _head(repo) if incoming or pending or pushed else before
    return Pulled(before, after, incoming, upstream, pending, pushed)


def _fetch(repo: Repository, *, remote: str, branch: str, upstream: str) -> None:
    try:
        with one_writer(repo):
            repo.fetch(remote, branch, into=f"refs/remotes/{upstream}")
    except GitFailed as exc:
        raise ReconcileError(
            f"cannot fetch {remote}/{branch}: {exc.detail}",
            hint="check the remote's URL and credentials (git remote -v); the round retries",
        ) from exc


def _records_only(repo: Repository, upstream: str, records: str) -> bool:
    """Whether the local commits are records the agent may push unreviewed: no merge, and
    from where they left ``upstream`` they add to or change nothing but the audit log and
    snapshot in ``records`` (``state/<env>/`` from the top), as regular files. Renames are
    not followed, so a manifest moved under ``state/`` counts as the deletion it is; a
    file's names alone (``git log --name-only``) would have let it or a secret through."""
    if repo.text("rev-list", "--merges", f"{upstream}..HEAD").strip():
        return False
    allowed = {records + name for name in RECORD_FILES}
    changes = repo.text("diff", "--raw", "--no-renames", f"{upstream}...HEAD").splitlines()
    for change in changes:
        meta, _, path = change.partition("\t")
        fields = meta.split()
        if fields[-1] not in ("A", "M") or fields[1] != "100644" or path not in allowed:
            return False
    return bool(changes)


def _chains(root: Path, repo: Repository, upstream: str, env: str) -> None:
    """Raise unless the local records are an append-only successor of those where they left
    ``upstream`` (a log that lost an entry is not pushed)."""
    base = repo.text("merge-base", upstream, "HEAD").strip()
    before, now = version_at(root, env, base), version_at(root, env, "HEAD")
    verdict = successor(before, now, key=audit_key())
    if not verdict.ok:
        raise ConfigError(
            f"the local commits of state/{env}/ are not an append-only successor of "
            f"{upstream}'s records: {verdict.reason}; nothing was pushed",
            hint=f"look at them with 'git log -p {upstream}..HEAD'; a person decides about "
            "records that do not chain",
        )


def _push_records(root: Path, *, remote: str, upstream: str, ahead: int) -> None:
    """Push the agent's own record commits; the push rebases them onto the remote, merging
    the records another clone pushed meanwhile, and moves the branch to what it pushed."""
    pushed = push_state(root, remote=remote, branch=upstream.removeprefix(f"{remote}/"))
    if not pushed.pushed:
        raise ReconcileError(
            f"{ahead} local commit(s) of records are not on {upstream} and could not be "
            f"pushed: {pushed.detail}",
            hint=f"the next round tries again; check that this clone may push to {remote} "
            "('git push --dry-run'); the records stay committed here",
        )


def _head(repo: Repository) -> str:
    head = repo.head()
    if head is None:
        raise ConfigError(
            f"the checkout {repo.top} has no commit yet", hint="clone the config repository"
        )
    return head


def _merge(repo: Repository, upstream: str) -> None:
    try:
        with one_writer(repo):
            repo.run("merge", "--ff-only", "--quiet", upstream)
    except GitFailed as exc:
        overwritten = "would be overwritten" in exc.detail
        raise ConfigError(
            f"cannot fast-forward to {upstream}: {exc.detail}",
            hint="uncommitted records under state/ collide with the incoming commits: commit "
            "them (reconcile --env ENV --push records and pushes them) or move them aside"
            if overwritten
            else "look at the checkout with 'git status'; the next round tries again",
        ) from exc


def _tracked(repo: Repository, remote: str) -> tuple[str, str, str]:
    """HEAD's sha, the branch and the upstream it follows (``remote/branch`` when none is set).

    The usual case, a branch with an upstream, costs one ``git rev-parse`` (a round runs every
    few seconds for months); the rest is asked only when that fails, to say what is wrong."""
    found = repo.run(
        "rev-parse", "HEAD", "--symbolic-full-name", "HEAD", "@{upstream}", check=False
    ).text.split()
    if len(found) == 3 and found[1].startswith("refs/heads/"):
        upstream = found[2].removeprefix("refs/remotes/")
        if found[2].startswith("refs/remotes/") and upstream.startswith(remote + "/"):
            return found[0], found[1].removeprefix("refs/heads/"), upstream
    head = _head(repo)
    branch = repo.branch()
    if branch is None:
        raise ConfigError(
            "HEAD is detached, so there is no branch to follow",
            hint="check out the branch the agent should follow, e.g. 'git checkout main'",
        )
    if remote not in repo.remotes():
        raise ConfigError(
            f"git remote {remote!r} is not configured in {repo.top}",
            hint="the agent runs in a clone: 'git clone URL' and start it there",
        )
    tracking = repo.run(
        "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}", check=False
    )
    return head, branch, tracking.text.strip() if tracking.ok else f"{remote}/{branch}"


def _refuse_dirty(repo: Repository, root: Path, upstream: str) -> list[str]:
    """Refuse edits outside the agent's own paths; return the paths inside them."""
    mine = tuple(repo.path(root, p) + "/" for p in OWN_PATHS)
    paths = repo.changed_paths()
    edits = [p for p in paths if not p.startswith(mine)]
    if edits:
        raise ConfigError(
            f"the checkout has local edits ({listed(edits, 5)}); the agent applies only what is "
            f"committed on {upstream}",
            hint="commit and push them from another clone, or discard them here "
            "('git stash -u' or 'git checkout -- PATH')",
        )
    return [p for p in paths if p.startswith(mine)]
