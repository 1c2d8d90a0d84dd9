"""The main job: plan an environment, and unless it is a dry run, apply it and record it.

The CLI supplies three callbacks (show the plan, ask for confirmation, show progress) so this
module never touches the terminal, and gets back an exit code. A dry run imports only what
planning needs (``planjob``): the apply's side (the lock, the applier and its threads, the
recorder, git) is ``applyjob``'s, imported when a run applies, and was a third of a dry run's
start-up.
"""

from __future__ import annotations

from reconciler.engine.jobs.planjob import dry_run_verdict, plan_job
from reconciler.engine.jobs.request import JobHooks, JobRequest


def run_job(request: JobRequest, hooks: JobHooks) -> int:
    """Plan, show, and apply when asked; returns the exit code of CONTRACT section 4.

    Everything but a dry run holds the environment's lock from before the live state is read
    until the state is recorded, so two runs never plan against the same live state.
    """
    if request.dry_run:
        return plan_job(request, hooks, then=dry_run_verdict)
    from reconciler.engine.jobs.applyjob import run_locked  # noqa: PLC0415 (see the docstring)

    return run_locked(request, hooks)
