"""`reconcile import --env ENV [NAME...]`: write manifests from live state."""

from __future__ import annotations

from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import CommonOptions, build_options, common_options
from reconciler.engine.importer import ImportRequest, run_import


@click.command("import")
@click.option("--env", "env", required=True, metavar="ENV")
@click.option("--force", is_flag=True, help="Overwrite manifests that already exist.")
@click.argument("names", nargs=-1)
@common_options
@click.pass_context
def import_(
    ctx: click.Context, /, env: str, force: bool, names: tuple[str, ...], **given: Any
) -> None:
    """Write a manifest for each live model (or those NAMEd); keys become ${VAR} references."""
    options = build_options(ctx, **given)
    guarded(lambda: _run(env, names, force, options), verbose=options.verbose)


def _run(env: str, names: tuple[str, ...], force: bool, options: CommonOptions) -> int:
    imported = run_import(
        ImportRequest(
            root=options.root, environment=env, names=names, force=force, sandbox=options.sandbox
        )
    )
    for item in imported:
        note = (
            ""
            if item.managed
            else " (unmanaged: add label reconcile/managed-by: reconcile "
            "to the live endpoint to let reconcile manage it)"
        )
        click.echo(
            f"wrote {item.path.relative_to(options.root)}: set ${{{item.variable}}} "
            f"to its API key{note}"
        )
    click.echo(f"{len(imported)} manifest(s) written")
    return 0
