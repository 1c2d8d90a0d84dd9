"""`reconcile schema [NAME]`: print a shipped JSON Schema, or list their names."""

from __future__ import annotations

import click

from reconciler.cli.boundary import guarded
from reconciler.report.schemas import schema_names, schema_text


@click.command("schema")
@click.argument("name", required=False)
def schema(name: str | None) -> None:
    """Print the JSON Schema NAME (a manifest kind or a command's JSON output), or list them."""
    guarded(lambda: _run(name))


def _run(name: str | None) -> int:
    if name is None:
        for each, kind in schema_names().items():
            click.echo(f"{each}\t{kind}")
        return 0
    click.echo(schema_text(name), nl=False)
    return 0
