"""How a conflict in a state file is resolved when our commit is rebased onto the remote's.

Two reconcilers that applied at the same time both appended to ``audit.jsonl`` and both
rewrote ``snapshot.json``; git cannot merge either. The rules:

- ``audit.jsonl``: audit entries are independent events, so the result is the upstream file
  unchanged, followed by our entries that upstream does not have (by ``auditId``), in our order,
  re-chained onto upstream's last hash. Upstream's text is kept byte for byte and only
  ``prevHash`` and ``hash`` of *our* entries change, so nothing already shared is rewritten (a
  damaged upstream log stays damaged and fails the chain check before any push). The chain
  therefore records the order in which entries landed in the shared history, which can differ
  from timestamp order.
- ``snapshot.json``: the snapshot generated later describes live state more recently, so its
  models, ``generatedAt`` and ``gitCommit`` win (ours on a tie, being the commit that lands
  last); ``serial`` becomes ``max(ours, upstream + 1)`` so it still rises by at least one per
  apply along the history.

Anything else conflicting is left to a person: ``resolve`` returns None.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from reconciler.gitops.canonical import GENESIS, canonical, rechain
from reconciler.gitops.snapshot import parse, render

_AUDIT = re.compile(r"(^|/)state/[^/]+/audit\.jsonl$")
_SNAPSHOT = re.compile(r"(^|/)state/[^/]+/snapshot\.json$")


def resolve(path: str, *, upstream: str, ours: str) -> str | None:
    """The resolved text of ``path``, or None when it is not a state file we know how to merge."""
    if _AUDIT.search(path):
        return merge_audit(upstream=upstream, ours=ours)
    if _SNAPSHOT.search(path):
        return merge_snapshot(upstream=upstream, ours=ours, source=path)
    return None


def merge_audit(*, upstream: str, ours: str) -> str:
    theirs = _entries(upstream)
    known = {e.get("auditId") for e in theirs}
    mine = [e for e in _entries(ours) if e.get("auditId") not in known]
    last = str(theirs[-1]["hash"]) if theirs else GENESIS
    return upstream + "".join(canonical(e) + "\n" for e in rechain(mine, last))


def merge_snapshot(*, upstream: str, ours: str, source: str) -> str:
    if not upstream.strip():
        return ours
    if not ours.strip():
        return upstream
    theirs, mine = parse(upstream, source=source), parse(ours, source=source)
    newer = mine if mine.generated_at >= theirs.generated_at else theirs
    serial = max(mine.serial, theirs.serial + 1)
    return render(dataclasses.replace(newer, serial=serial))


def _entries(text: str) -> list[dict[str, Any]]:
    """Complete, parseable lines; a damaged line here is caught by the chain check after."""
    out: list[dict[str, Any]] = []
    for line in text.splitlines():
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            out.append(value)
    return out
