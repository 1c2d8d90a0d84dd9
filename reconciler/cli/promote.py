"""`reconcile promote --from ENV --to ENV [NAME...]`: copy model specs between environments."""

from __future__ import annotations

from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import CommonOptions, build_options, common_options
from reconciler.engine.promote import run_promote


@click.command("promote")
@click.option("--from", "source", required=True, metavar="ENV")
@click.option("--to", "target", required=True, metavar="ENV")
@click.option("--dry-run", is_flag=True, help="Show the diff; write nothing.")
@click.argument("names", nargs=-1)
@common_options
@click.pass_context
def promote(
    ctx: click.Context,
    /,
    source: str,
    target: str,
    dry_run: bool,
    names: tuple[str, ...],
    **given: Any,
) -> None:
    """Copy model specs; the target keeps its credentials references, labels and usage."""
    options = build_options(ctx, **given)
    guarded(lambda: _run(source, target, names, dry_run, options), verbose=options.verbose)


def _run(
    source: str, target: str, names: tuple[str, ...], dry_run: bool, options: CommonOptions
) -> int:
    done = run_promote(
        options.root, source_env=source, target_env=target, names=names, dry_run=dry_run
    )
    changed = [p for p in done if p.diff]
    for item in changed:
        click.echo(item.diff, nl=False)
    verb = "would change" if dry_run else "changed"
    click.echo(f"{len(changed)} of {len(done)} manifest(s) {verb} in '{target}'")
    return 0
