"""``state/<env>/snapshot.json``: what was live after the last apply (CONTRACT section 5).

The file is reviewed in pull requests, so it is written for small diffs: sorted keys, two-space
indent, models sorted by name, a trailing newline. It is replaced atomically (temporary file in
the same folder, fsync, ``os.replace``) so a crash leaves either the old or the new snapshot,
never half of one. ``serial`` counts applies: it is read from the previous file and never reset
silently, which is why a damaged previous snapshot is an error rather than serial 1.
``auditHead`` anchors the audit log's head as it was when the snapshot was written (see
``anchor``), so deleting the log's last entries is detected although the chain stays valid.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reconciler.gitops.anchor import AuditHead, head_from_json, read_head
from reconciler.gitops.canonical import find_secret
from reconciler.gitops.chain import audit_path
from reconciler.structs.errors import ConfigError
from reconciler.structs.paths import inside_root, state_path
from reconciler.structs.redaction import redact_value

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Snapshot:
    """One snapshot file, with its JSON field names in snake case."""

    format_version: int
    serial: int
    environment: str
    generated_at: str
    git_commit: str | None
    models: tuple[dict[str, Any], ...]
    audit_head: AuditHead | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "formatVersion": self.format_version,
            "serial": self.serial,
            "environment": self.environment,
            "generatedAt": self.generated_at,
            "gitCommit": self.git_commit,
            "models": list(self.models),
            "auditHead": self.audit_head.to_json() if self.audit_head else None,
        }


def snapshot_path(root: Path, env: str) -> Path:
    """``state/<env>/snapshot.json``; a ConfigError when it resolves outside ``root`` or any
    part of it is a symlink."""
    return inside_root(root, state_path(root, env, "snapshot.json"))


def render(snapshot: Snapshot) -> str:
    """The exact text written to disk (also used when resolving a rebase)."""
    return json.dumps(snapshot.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def parse(text: str, *, source: str) -> Snapshot:
    """A snapshot from its text; ConfigError naming the file and field when it is not one."""
    try:
        data = json.loads(text)
        return Snapshot(
            format_version=int(data["formatVersion"]),
            serial=int(data["serial"]),
            environment=str(data["environment"]),
            generated_at=str(data["generatedAt"]),
            git_commit=data.get("gitCommit"),
            models=tuple(data.get("models") or ()),
            audit_head=head_from_json(data.get("auditHead"), source=source),
        )
    except (ValueError, TypeError, KeyError) as exc:
        raise ConfigError(
            f"{source}: not a valid snapshot ({exc.__class__.__name__}: {exc})",
            hint="restore the file from git history; its serial must not reset",
        ) from exc


def read_snapshot(root: Path, env: str) -> Snapshot | None:
    """The environment's last snapshot, or None before the first apply."""
    path = snapshot_path(root, env)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return parse(text, source=str(path))


def write_snapshot(
    root: Path,
    env: str,
    *,
    models: list[dict[str, Any]],
    git_commit: str | None,
    clock: Callable[[], datetime] | None = None,
) -> Snapshot:
    """Write the next snapshot (serial + 1) of ``models``, which must already be redacted.

    The audit log's current head is read from ``state/<env>/audit.jsonl`` and recorded, so
    entries appended before this call are covered by the anchor and later ones are not.
    """
    _refuse_secrets(models, env=env)
    previous = read_snapshot(root, env)
    now = (clock or (lambda: datetime.now(UTC)))().astimezone(UTC)
    snapshot = Snapshot(
        format_version=FORMAT_VERSION,
        serial=(previous.serial if previous else 0) + 1,
        environment=env,
        generated_at=now.isoformat(timespec="seconds").replace("+00:00", "Z"),
        git_commit=git_commit,
        models=tuple(sorted((redact_value(dict(m)) for m in models), key=_order)),
        audit_head=read_head(audit_path(root, env)),
    )
    atomic_write(snapshot_path(root, env), render(snapshot))
    return snapshot


def atomic_write(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so readers see the old or the new file, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _refuse_secrets(models: list[dict[str, Any]], *, env: str) -> None:
    for model in models:
        where = find_secret(model)
        if where:
            name = model.get("name", "?") if isinstance(model, Mapping) else "?"
            raise ConfigError(
                f"state/{env}/snapshot.json: model {name!r} still carries a value in {where}; "
                "the snapshot was not written",
                hint="redact live models (drop credentials.apiKey) before snapshotting them",
            )


def _order(model: Mapping[str, Any]) -> tuple[str, str]:
    return (str(model.get("name", "")), str(model.get("id", "")))
