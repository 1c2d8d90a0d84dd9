"""`reconcile import --env ENV [NAME...]`: write manifests from live state."""

from __future__ import annotations

from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import CommonOptions, build_options, lock_timeout_option, options
from reconciler.engine.jobs.importer import ImportRequest, run_import
from reconciler.report.imports import ImportReport
from reconciler.report.reporters import render


@click.command("import")
@click.option("--env", "env", required=True, metavar="ENV")
@click.option("--force", is_flag=True, help="Overwrite manifests that already exist.")
@click.argument("names", nargs=-1)
@lock_timeout_option
@options("root", "fmt", "sandbox", "verbose")
@click.pass_context
def import_(
    ctx: click.Context,
    /,
    env: str,
    force: bool,
    names: tuple[str, ...],
    lock_timeout: float,
    **given: Any,
) -> None:
    """Write a manifest for each live model (or those NAMEd); keys become ${VAR} references."""
    options = build_options(ctx, **given)
    request = ImportRequest(
        root=options.root,
        environment=env,
        names=names,
        force=force,
        sandbox=options.sandbox,
        lock_timeout=lock_timeout,
    )
    guarded(lambda: _run(request, options), verbose=options.verbose)


def _run(request: ImportRequest, options: CommonOptions) -> int:
    env = request.environment
    result = run_import(request)
    for warning in result.warnings:  # for the person; JSON and markdown also carry them
        click.echo(f"warning: {warning}", err=True)
    report = ImportReport(env, options.root, result.written, result.warnings)
    click.echo(render(report, options.fmt), nl=False)
    return 0
