"""Saved plans: what was reviewed is what is applied.

``plan --out FILE`` saves the plan's JSON document with a ``planDigest``: the sha256 of its
canonical changes (model, action, id, field changes) and the live versions they were computed
from. ``apply --plan FILE`` plans afresh and applies only when the fresh plan has the same
digest; a live change made in between (it bumps the live version) or a new commit makes it
stale, and nothing is changed (exit 4, ``stale-plan``), as Terraform refuses a stale plan file.
The digest is recomputed from the saved document too, so a hand-edited file is refused.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.structs.errors import ConfigError, ExitCode, ReconcileError
from reconciler.structs.plan import Action, Plan
from reconciler.structs.redaction import redacted_json

WRITES = tuple(a.value for a in Action if a.writes)
_DIGEST = re.compile(r"[0-9a-f]{64}")


def canonical_changes(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The parts of plan items (as ``PlanItem.as_dict`` gives them) that the digest covers."""
    keys = ("name", "action", "modelId", "liveVersion", "changes")
    entries = [{k: item.get(k) for k in keys} for item in items]
    return sorted(entries, key=lambda e: str(e["name"]))


def digest_of(entries: Sequence[Mapping[str, Any]]) -> str:
    """The sha256 of ``entries`` as the saved file holds them: redacted. A change whose value
    repeats a secret is saved as ``[redacted]``, so a digest of the raw value could never be
    recomputed from the file (and would hash the secret)."""
    text = redacted_json(entries, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plan_digest(plan: Plan) -> str:
    """The digest of the plan's pending changes."""
    return digest_of(canonical_changes(i.as_dict() for i in plan.pending))


@dataclass(frozen=True)
class SavedPlan:
    """A plan file read back: its digest, targets and the changes it was made of."""

    path: Path
    environment: str
    digest: str
    entries: tuple[dict[str, Any], ...]
    targets: tuple[str, ...] = ()
    git_commit: str | None = None


class StalePlan(ReconcileError):
    """The live state or git moved since the plan was saved; nothing was changed."""

    exit_code = ExitCode.BLOCKED
    error_code = "stale-plan"

    def __init__(self, saved: SavedPlan, *, digest: str, differences: list[str]) -> None:
        lines = "\n".join(f"  {d}" for d in differences)
        super().__init__(
            f"stale-plan: the saved plan {saved.path} no longer holds: a fresh plan differs "
            "from the one "
            f"reviewed, so nothing was changed:\n{lines}",
            hint=f"plan again (reconcile plan --env {saved.environment} --out FILE), review "
            "it, and apply that plan",
        )
        self.saved_digest, self.digest, self.differences = saved.digest, digest, differences

    def details(self) -> dict[str, Any]:
        return {
            "savedDigest": self.saved_digest,
            "planDigest": self.digest,
            "differences": self.differences,
        }


def read_saved_plan(path: Path, environment: str) -> SavedPlan:
    """The saved plan at ``path`` for ``environment``; a clear exit 1 for anything else."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such saved plan", hint="write one with plan --out") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(
            f"{path}: not a saved plan ({exc})", hint="write one with reconcile plan --out FILE"
        ) from None
    if not isinstance(doc, dict) or doc.get("formatVersion") != 1:
        raise ConfigError(f"{path}: not a saved plan (formatVersion 1 expected)")
    digest = doc.get("planDigest")
    if not isinstance(digest, str) or not _DIGEST.fullmatch(digest):
        raise ConfigError(
            f"{path}: field 'planDigest' is missing or not a sha256",
            hint="only files written by reconcile plan --out can be applied",
        )
    if doc.get("environment") != environment:
        raise ConfigError(
            f"{path}: the plan was saved for environment {doc.get('environment')!r}, "
            f"not {environment!r}",
            hint=f"apply it with --env {doc.get('environment')}, or plan {environment} again",
        )
    entries = _entries(path, doc)
    if digest_of(entries) != digest:
        raise ConfigError(
            f"{path}: its changes do not match its planDigest (the file was edited)",
            hint="plan again; a saved plan is applied as written or not at all",
        )
    targets = doc.get("targets") or []
    if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
        raise ConfigError(
            f"{path}: field 'targets' is not a list of model names",
            hint="only files written by reconcile plan --out can be applied",
        )
    return SavedPlan(
        path=path,
        environment=environment,
        digest=digest,
        entries=tuple(entries),
        targets=tuple(str(t) for t in targets),
        git_commit=doc.get("gitCommit"),
    )


def _entries(path: Path, doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    items: list[Mapping[str, Any]] = []
    for action in WRITES:
        listed = doc.get(action, [])
        if not isinstance(listed, list) or not all(isinstance(i, dict) for i in listed):
            raise ConfigError(f"{path}: field {action!r} is not a list of plan items")
        items += listed
    return canonical_changes(items)


def require_fresh(saved: SavedPlan, plan: Plan) -> None:
    """Raise ``StalePlan`` unless ``plan`` (made now) has the saved plan's digest."""
    digest = plan_digest(plan)
    if digest == saved.digest:
        return
    fresh = canonical_changes(i.as_dict() for i in plan.pending)
    raise StalePlan(saved, digest=digest, differences=differences(saved.entries, fresh))


def differences(
    saved: Sequence[Mapping[str, Any]], fresh: Sequence[Mapping[str, Any]]
) -> list[str]:
    """One line per model whose planned change is not what was saved."""
    before = {str(e["name"]): e for e in saved}
    now = {str(e["name"]): e for e in fresh}
    out = []
    for name in sorted(set(before) | set(now)):
        was, is_ = before.get(name), now.get(name)
        if was == is_:
            continue
        if is_ is None and was is not None:
            out.append(f"{name}: the saved plan would {was['action']} it; now nothing to do")
        elif was is None and is_ is not None:
            out.append(f"{name}: now {is_['action']}, which the saved plan did not have")
        elif was is not None and is_ is not None:
            out.append(f"{name}: {'; '.join(_what_moved(was, is_))}")
    return out or ["the plan's changes differ (same models)"]


def _what_moved(was: Mapping[str, Any], is_: Mapping[str, Any]) -> list[str]:
    moved = []
    if was["action"] != is_["action"]:
        moved.append(f"action {was['action']} -> {is_['action']}")
    if was["liveVersion"] != is_["liveVersion"]:
        moved.append(
            f"live version {was['liveVersion']} -> {is_['liveVersion']} (changed since the plan)"
        )
    old = {c.get("path"): c for c in was.get("changes") or []}
    new = {c.get("path"): c for c in is_.get("changes") or []}
    for path in sorted(set(old) | set(new), key=str):
        a, b = old.get(path), new.get(path)
        if a != b:
            moved.append(f"{path}: planned {_pair(a)}, now {_pair(b)}")
    return moved or ["its changes differ"]


def _pair(change: Mapping[str, Any] | None) -> str:
    if change is None:
        return "no change"
    return f"{_short(change.get('old'))} -> {_short(change.get('new'))}"


def _short(value: Any) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"
