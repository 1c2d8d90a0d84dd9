"""`reconcile cost --env ENV`: projected monthly cost per model and in total.

Offline: it reads the manifests and the packaged catalogue, never the API. Cost is a report,
so it exits 0 even when the total is over the budget (the breach is printed); only a plan that
raises the cost is refused.
"""

from __future__ import annotations

from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import CommonOptions, build_options, common_options
from reconciler.cost.projection import project_environment
from reconciler.manifests import load_environment
from reconciler.report.reporters import render
from reconciler.structs.errors import ExitCode


@click.command("cost")
@click.option("--env", "env", required=True, metavar="ENV", help="Environment to price.")
@common_options
@click.pass_context
def cost(ctx: click.Context, /, env: str, **given: Any) -> None:
    """Projected monthly cost (30-day month) per model and in total, against the budget."""
    options = build_options(ctx, **given)
    guarded(lambda: _run(env, options), verbose=options.verbose)


def _run(env: str, options: CommonOptions) -> int:
    loaded = load_environment(options.root, env)
    for warning in loaded.warnings:
        click.echo(warning.render(), err=True)
    click.echo(render(project_environment(loaded), options.fmt), nl=False)
    return int(ExitCode.OK)
