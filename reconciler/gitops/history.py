"""`audit verify --history`: every committed version of ``state/<env>/`` against the one before.

A log and a snapshot rewritten together agree with each other, so checking today's files alone
cannot catch it. Git keeps every version that was pushed: each commit that touched the folder
must hold a log that is a valid chain and starts with its first parent's log byte for byte
(append-only), a snapshot whose serial does not go backwards and whose ``auditHead`` is in its
own log, and neither file may disappear once it existed. The working tree is checked the same
way against HEAD. What this cannot see is a history rewritten wholesale and force-pushed; a
clone made before it, or ``RECONCILE_AUDIT_KEY``, is the witness for that.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reconciler.gitops.anchor import check_anchor_in
from reconciler.gitops.canonical import audit_key
from reconciler.gitops.chain import AuditVerdict, audit_path, verify_bytes
from reconciler.gitops.git import Repository, find
from reconciler.gitops.snapshot import parse, snapshot_path
from reconciler.structs.errors import ConfigError


@dataclass(frozen=True)
class Version:
    """The two state files as one commit (or the working tree) holds them."""

    label: str
    log: bytes | None
    snapshot: str | None


def verify_history(root: Path, env: str, *, key: bytes | None = None) -> AuditVerdict:
    """The first commit whose state is not an honest successor of its parent's, if any;
    with ``key`` (default RECONCILE_AUDIT_KEY) every version's entries must carry their MACs."""
    key = key if key is not None else audit_key()
    repo = find(root)
    if repo is None:
        return AuditVerdict(
            ok=False,
            entries=0,
            reason=f"--history needs the git repository holding {root}; it is not in one",
        )
    folder = repo.path(root, "state", env)
    git = _Git(repo)
    entries = 0
    commits = git.lines("rev-list", "--reverse", "--topo-order", "HEAD", "--", folder)
    for sha in commits:
        parent = git.lines("rev-list", "--max-count=1", "--skip=1", sha, "--", folder)
        before = git.version(parent[0], folder) if parent else None
        verdict = successor(before, git.version(sha, folder), key=key)
        if not verdict.ok:
            return verdict
        entries = verdict.entries
    head = git.version(commits[-1], folder) if commits else None
    verdict = successor(head, working_tree(root, env), key=key)
    return verdict if not verdict.ok else AuditVerdict(ok=True, entries=verdict.entries or entries)


def committed(root: Path, env: str) -> Version | None:
    """``state/<env>/`` as HEAD holds it; None outside a repository or before any commit."""
    repo = find(root)
    if repo is None:
        return None
    folder = repo.path(root, "state", env)
    git = _Git(repo)
    head = git.lines("rev-parse", "--verify", "--quiet", "HEAD")
    return git.version(head[0], folder) if head else None


def successor(before: Version | None, now: Version, *, key: bytes | None = None) -> AuditVerdict:
    """``now`` is a valid version that only appended to ``before``."""
    log = now.log or b""
    chain = verify_bytes(log, key=key)
    if not chain.ok:
        return _failed(now, chain.entries, f"line {chain.first_bad_line}: {chain.reason}")
    if before is not None:
        problem = _compare(before, now)
        if problem:
            return _failed(now, chain.entries, problem)
    if now.snapshot is not None:
        try:
            snapshot = parse(now.snapshot, source=f"snapshot.json in {now.label}")
        except ConfigError as exc:
            return _failed(now, chain.entries, exc.message)
        anchored = snapshot.audit_head
        if anchored and check_anchor_in(log, anchored, entries=chain.entries) is not None:
            return _failed(
                now,
                chain.entries,
                f"the snapshot's auditHead (line "
                f"{anchored.entries}, {anchored.hash[:12]}) is not in its own log",
            )
    return chain


def _compare(before: Version, now: Version) -> str | None:
    old, new = before.log or b"", now.log or b""
    if old and not new:
        count = len(old.splitlines())
        return f"audit.jsonl was deleted (it had {count} entries in {before.label})"
    if not new.startswith(old):
        line = _first_difference(old, new)
        return (
            f"the log is not an extension of the one in {before.label}: line {line} "
            "was changed or removed"
        )
    if before.snapshot is not None and now.snapshot is None:
        return f"snapshot.json was deleted (it existed in {before.label})"
    if before.snapshot is not None and now.snapshot is not None:
        try:
            was = parse(before.snapshot, source=before.label).serial
            now_serial = parse(now.snapshot, source=now.label).serial
        except ConfigError:
            return None  # reported when that version itself is checked
        if now_serial < was:
            return (
                f"the snapshot's serial went backwards from {was} ({before.label}) to {now_serial}"
            )
    return None


def _first_difference(old: bytes, new: bytes) -> int:
    for number, (a, b) in enumerate(zip(old.split(b"\n"), new.split(b"\n"), strict=False), 1):
        if a != b:
            return number
    return min(old.count(b"\n"), new.count(b"\n")) + 1


def _failed(version: Version, entries: int, reason: str) -> AuditVerdict:
    return AuditVerdict(ok=False, entries=entries, reason=f"{version.label}: {reason}")


def version_at(root: Path, env: str, commit: str) -> Version:
    """``state/<env>/`` as ``commit`` holds it (each file None where it has none)."""
    repo = find(root)
    if repo is None:
        raise ConfigError(f"{root} is not in a git repository", hint="clone the config repository")
    return _Git(repo).version(commit, repo.path(root, "state", env))


def working_tree(root: Path, env: str) -> Version:
    log = audit_path(root, env)
    snapshot = snapshot_path(root, env)
    return Version(
        label="the working tree",
        log=log.read_bytes() if log.exists() else None,
        snapshot=snapshot.read_text(encoding="utf-8") if snapshot.exists() else None,
    )


class _Git:
    """Plumbing calls against one repository, bytes in and out."""

    def __init__(self, repo: Repository) -> None:
        self._repo = repo

    def lines(self, *args: str) -> list[str]:
        done = self._repo.run(*args, check=False)
        return done.stdout.decode("utf-8").split() if done.ok else []

    def version(self, sha: str, folder: str) -> Version:
        snapshot = self._repo.blob(sha, f"{folder}/snapshot.json")
        return Version(
            label=f"commit {sha[:12]}",
            log=self._repo.blob(sha, f"{folder}/audit.jsonl"),
            snapshot=snapshot.decode("utf-8") if snapshot is not None else None,
        )
