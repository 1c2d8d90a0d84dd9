"""`reconcile drift --env ENV`: what changed outside git; exit 2 when anything is found."""

from __future__ import annotations

from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import CommonOptions, build_options, options
from reconciler.engine.jobs.drift_job import DriftRequest, run_drift
from reconciler.report.reporters import render
from reconciler.structs.errors import ExitCode


@click.command("drift")
@click.option("--env", "env", required=True, metavar="ENV")
@options("root", "fmt", "sandbox", "commit", "push", "remote", "verbose", "full")
@click.pass_context
def drift(ctx: click.Context, /, env: str, **given: Any) -> None:
    """Compare git, the last snapshot and live; exit 2 when they disagree."""
    options = build_options(ctx, **given)
    guarded(lambda: _run(env, options), verbose=options.verbose)


def _run(env: str, options: CommonOptions) -> int:
    report = run_drift(
        DriftRequest(
            root=options.root,
            environment=env,
            sandbox=options.sandbox,
            commit=options.commit,
            push=options.push,
            remote=options.remote,
        )
    )
    click.echo(render(report, options.fmt, options.view()), nl=False)
    return int(ExitCode.CHANGES_PENDING if report.found else ExitCode.OK)
