"""Which environments have state under ``state/``, and verifying one environment's audit log.

A chain cannot notice that its whole file was deleted, but a snapshot can: an environment
with a snapshot (so at least one apply) and no audit log lost its log, and fails verification.
"""

from __future__ import annotations

from pathlib import Path

from reconciler.gitops.chain import AuditVerdict, verify_log


def audit_path(root: Path, env: str) -> Path:
    return root / "state" / env / "audit.jsonl"


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


def verify_environment(root: Path, env: str) -> AuditVerdict:
    """The verdict on ``state/<env>/audit.jsonl``, including a log missing beside a snapshot."""
    path = audit_path(root, env)
    if not path.exists() and (path.parent / "snapshot.json").exists():
        return AuditVerdict(
            ok=False,
            entries=0,
            first_bad_line=None,
            reason="audit.jsonl is missing although snapshot.json records an apply: "
            "restore the log from the git history",
        )
    return verify_log(path)
