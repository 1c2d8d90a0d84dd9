"""MODEL_RECOVERED entries: the live changes the log misses, written at the start of a run.

``accounting`` finds them; this module words and records them with what is known of their
cause: runs that announced writes in the local log and never closed, and runs that held the
environment's lock and never released it (the lock module reports those).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reconciler.engine.plan.normalize import comparable
from reconciler.engine.plan.prepare import Prepared
from reconciler.engine.record.accounting import cause_of, interrupted_runs, unaccounted_changes
from reconciler.engine.record.recorder import Recorder
from reconciler.gitops.holder import Holder


def record_recovered(
    root: Path, *, prepared: Prepared, recorder: Recorder, lock_holders: Sequence[Holder] = ()
) -> int:
    """Write one MODEL_RECOVERED entry per unaccounted live change; returns how many."""
    env = prepared.loaded.config.name
    found = unaccounted_changes(root, env, prepared.live.values())
    if not found:
        return 0
    known = interrupted_runs(root, env) + [
        f"{h.describe()} held the environment lock and never released it" for h in lock_holders
    ]
    cause = cause_of(known)
    live = {str(m.get("id")): m for m in prepared.live.values()}
    for change in found:
        recorder.record(
            "MODEL_RECOVERED",
            item=None,
            name=change.name,
            model_id=change.model_id,
            result=change.describe(cause),
            payload=comparable(live.get(change.model_id, {})),
        )
    return len(found)
