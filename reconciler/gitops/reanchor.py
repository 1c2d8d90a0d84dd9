"""After a rebase, move each snapshot's audit anchor to where its entry landed.

A rebase re-chains our audit entries onto the remote's (``merge.merge_audit``), so the entry a
snapshot of ours anchored now sits on another line with another hash. It is the same event
(the same ``auditId``), so the anchor follows it: the anchored line is looked up in our commit
from before the rebase, its auditId found in the rebased log, and the anchor pointed there.
The rebased HEAD commit is then amended: it is ours, in a private worktree, and not yet pushed.
A snapshot the remote wrote keeps its anchor, because the remote's lines are never rewritten.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import PurePosixPath

from reconciler.gitops.anchor import entry_at, find_entry
from reconciler.gitops.git import Repository
from reconciler.gitops.snapshot import parse, render
from reconciler.structs.paths import RECORD_FILES


def state_files(work: Repository, upstream: str) -> list[str]:
    """State files (repository-relative) that differ between ``upstream`` and HEAD."""
    changed = work.text("diff", "--name-only", upstream, "HEAD").splitlines()
    return [p for p in changed if PurePosixPath(p).name in RECORD_FILES]


def reanchor(
    work: Repository, *, before: str, upstream: str, identity: dict[str, str]
) -> list[str]:
    """Fix the anchors of the snapshots the rebase changed; returns the files rewritten."""
    snapshots = [p for p in state_files(work, upstream) if p.endswith("snapshot.json")]
    fixed = [path for path in snapshots if _reanchor_one(work, path, before=before)]
    if fixed:
        work.run("add", "--", *fixed)
        work.run("commit", "--amend", "--no-edit", "--no-verify", "--quiet", env=identity)
    return fixed


def _reanchor_one(work: Repository, path: str, *, before: str) -> bool:
    tree = work.top
    snapshot = parse((tree / path).read_text(encoding="utf-8"), source=path)
    head = snapshot.audit_head
    log = PurePosixPath(path).with_name("audit.jsonl").as_posix()
    current = entry_at(tree / log, head.entries) if head else None
    if head is None or (current is not None and current.get("hash") == head.hash):
        return False
    audit_id = _anchored_id(work, before=before, log=log, line=head.entries, digest=head.hash)
    moved = find_entry(tree / log, audit_id) if audit_id else None
    if moved is None:
        return False  # left as it is: the check after the rebase reports it
    snapshot = dataclasses.replace(snapshot, audit_head=moved)
    (tree / path).write_text(render(snapshot), encoding="utf-8", newline="\n")
    return True


def _anchored_id(work: Repository, *, before: str, log: str, line: int, digest: str) -> str | None:
    """The auditId of the entry the anchor named in our commit from before the rebase."""
    blob = work.blob(before, log)
    if blob is None:
        return None
    lines = blob.decode("utf-8", errors="replace").splitlines()
    if len(lines) < line:
        return None
    try:
        entry = json.loads(lines[line - 1])
    except ValueError:
        return None
    if not isinstance(entry, dict) or entry.get("hash") != digest:
        return None
    return str(entry.get("auditId"))
