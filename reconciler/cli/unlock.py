"""`reconcile unlock --env ENV`: break a stale environment lock (audited as LOCK_BROKEN)."""

from __future__ import annotations

from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import CommonOptions, build_options, options
from reconciler.engine.jobs.unlock import UnlockRequest, run_unlock
from reconciler.report.reporters import render
from reconciler.report.unlock import UnlockReport


@click.command("unlock")
@click.option("--env", "env", required=True, metavar="ENV")
@click.option("--force", is_flag=True, help="Break a remote lease that has not lapsed yet.")
@options("root", "fmt", "commit", "push", "remote", "verbose")
@click.pass_context
def unlock(ctx: click.Context, /, env: str, force: bool, **given: Any) -> None:
    """Break a stale environment lock (with --push, the remote lease too); audited."""
    options = build_options(ctx, **given)
    request = UnlockRequest(
        root=options.root,
        environment=env,
        force=force,
        commit=options.commit,
        push=options.push,
        remote=options.remote,
    )
    guarded(lambda: _run(request, options), verbose=options.verbose)


def _run(request: UnlockRequest, options: CommonOptions) -> int:
    broken = run_unlock(request)
    report = UnlockReport(request.environment, [(b.where, b.describe()) for b in broken])
    click.echo(render(report, options.fmt), nl=False)
    return 0
