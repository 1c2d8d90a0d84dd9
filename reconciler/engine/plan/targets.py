"""``--target NAME``: a plan or apply limited to some models.

Only the plan is narrowed: the whole environment is still loaded and validated, the lock is
the environment's, the budget is checked against the environment as git has it, and the
records (snapshot, audit log) are written as for any run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from reconciler.engine.plan.prepare import Prepared
from reconciler.structs.errors import ConfigError


def limit_to(prepared: Prepared, targets: Sequence[str]) -> Prepared:
    """``prepared`` with a plan of the ``targets`` only (all of them when empty); a name that
    is neither in git nor live is an error that lists the names there are."""
    if not targets:
        return prepared
    plan = prepared.plan
    known = [i.name for i in plan.items]
    unknown = sorted(set(targets) - set(known))
    if unknown:
        raise ConfigError(
            f"--target {', '.join(unknown)}: no model of that name in environment "
            f"'{plan.environment}' (git or live)",
            hint=f"known models: {', '.join(known) or '(none)'}",
        )
    items = tuple(i for i in plan.items if i.name in set(targets))
    return replace(prepared, plan=replace(plan, items=items))
