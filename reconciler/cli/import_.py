"""`reconcile import --env ENV [NAME...]`: write manifests from live state."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import CommonOptions, build_options, lock_timeout_option, options
from reconciler.engine.importer import Imported, ImportRequest, ImportResult, run_import

_UNMANAGED = (
    "unmanaged: add label reconcile/managed-by: reconcile to the live endpoint "
    "to let reconcile manage it"
)


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
    if options.fmt == "json":
        click.echo(_as_json(env, result, options.root))
    elif options.fmt == "markdown":
        click.echo(_as_markdown(env, result, options.root), nl=False)
    else:
        for warning in result.warnings:
            click.echo(f"warning: {warning}", err=True)
        for item in result.written:
            note = "" if item.managed else f" ({_UNMANAGED})"
            click.echo(
                f"wrote {_rel(item, options.root)}: set ${{{item.variable}}} to its API key{note}"
            )
        click.echo(f"{len(result.written)} manifest(s) written")
    return 0


def _rel(item: Imported, root: Path) -> str:
    return item.path.relative_to(root).as_posix()


def _as_json(env: str, result: ImportResult, root: Path) -> str:
    report = {
        "formatVersion": 1,
        "environment": env,
        "written": [
            {
                "name": item.name,
                "path": _rel(item, root),
                "variable": item.variable,
                "managed": item.managed,
                "overwritten": item.overwritten,
            }
            for item in result.written
        ],
        "warnings": list(result.warnings),
    }
    return json.dumps(report, indent=2)


def _as_markdown(env: str, result: ImportResult, root: Path) -> str:
    lines = [f"**Imported {len(result.written)} manifest(s) into `{env}`.**", ""]
    for item in result.written:
        verb = "overwrote" if item.overwritten else "wrote"
        note = "" if item.managed else f" ({_UNMANAGED})"
        lines.append(f"- {verb} `{_rel(item, root)}`: set `${{{item.variable}}}`{note}")
    if result.warnings:
        lines += ["", "Skipped:", *(f"- {w}" for w in result.warnings)]
    return "\n".join(lines) + "\n"
