"""`reconcile validate`: offline checks of manifests and environments.

Every environment is checked by default and every problem is printed, so one run shows the
whole list. Errors exit 1; warnings are printed and exit 0 unless ``--strict`` (for CI that
wants a clean tree). Nothing here contacts the API.
"""

from __future__ import annotations

from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import ANY_FORMAT, CommonOptions, build_options, options
from reconciler.manifests import list_environments, validate_environments
from reconciler.report.annotations import failure
from reconciler.report.reporters import render
from reconciler.report.validation import ValidationReport
from reconciler.structs.errors import ExitCode, ReconcileError
from reconciler.structs.problems import errors_in

VALIDATE_FORMATS = ANY_FORMAT  # the formats only validate has are the group's extra ones


@click.command("validate")
@click.option(
    "--env",
    "envs",
    multiple=True,
    metavar="ENV",
    help="Environment to check (repeatable; default: every environment).",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(VALIDATE_FORMATS),
    default=None,
    help="Output format: github prints workflow annotations, sarif a SARIF 2.1.0 log.",
)
@options("root", "verbose")
@click.pass_context
def validate(ctx: click.Context, /, envs: tuple[str, ...], strict: bool, **given: Any) -> None:
    """Check manifests and environments offline; exit 1 on any error."""
    options = build_options(ctx, **given)
    guarded(lambda: _run(list(envs), strict=strict, options=options), verbose=options.verbose)


def _run(envs: list[str], *, strict: bool, options: CommonOptions) -> int:
    try:
        problems = validate_environments(options.root, envs or None)
        checked = envs or list_environments(options.root)
    except ReconcileError as exc:
        if options.fmt in ("github", "sarif"):  # as --format json prints its failure document
            click.echo(failure(exc.render(), options.fmt), nl=False)
        raise
    failed = bool(errors_in(problems)) or (strict and bool(problems))
    report = ValidationReport(problems, checked, valid=not failed)
    click.echo(render(report, options.fmt), nl=False)
    return int(ExitCode.INVALID if failed else ExitCode.OK)
