"""Which environments have state under ``state/``, and verifying one environment's audit log.

A chain cannot notice that its whole file was deleted, or that its last lines were, but a
snapshot can: an environment with a snapshot (so at least one apply) and no audit log lost its
log, and a log shorter than the head the snapshot anchored (``auditHead``), or with another
entry at that line, lost or rewrote entries. Both fail verification.
"""

from __future__ import annotations

from pathlib import Path

from reconciler.gitops.anchor import check_anchor
from reconciler.gitops.canonical import audit_key
from reconciler.gitops.chain import AuditVerdict, audit_path, verify_log
from reconciler.gitops.snapshot import read_snapshot, snapshot_path
from reconciler.structs.errors import ConfigError

__all__ = ["audit_path", "state_environments", "verify_environment"]


def state_environments(root: Path) -> list[str]:
    """Environments with a snapshot or an audit log, sorted by name."""
    base = root / "state"
    if not base.is_dir():
        return []
    return sorted(
        entry.name
        for entry in base.iterdir()
        if entry.is_dir()
        and ((entry / "audit.jsonl").exists() or (entry / "snapshot.json").exists())
    )


def verify_environment(root: Path, env: str, *, key: bytes | None = None) -> AuditVerdict:
    """The verdict on ``state/<env>/audit.jsonl``: its chain (and MACs, when a key is given or
    RECONCILE_AUDIT_KEY is set), and the snapshot's anchor on it."""
    key = key if key is not None else audit_key()
    path = audit_path(root, env)
    has_snapshot = snapshot_path(root, env).exists()
    if not path.exists() and has_snapshot:
        return AuditVerdict(
            ok=False,
            entries=0,
            first_bad_line=None,
            reason="audit.jsonl is missing although snapshot.json records an apply: "
            "restore the log from the git history",
        )
    verdict = verify_log(path, key=key)
    if not verdict.ok or not has_snapshot:
        return verdict
    try:
        snapshot = read_snapshot(root, env)
    except ConfigError as exc:
        return AuditVerdict(
            ok=False,
            entries=verdict.entries,
            reason=f"snapshot.json cannot be read, so the log's head cannot be checked: "
            f"{exc.message}",
        )
    head = snapshot.audit_head if snapshot else None
    if head is None:
        return verdict
    return check_anchor(path, head, entries=verdict.entries) or verdict
