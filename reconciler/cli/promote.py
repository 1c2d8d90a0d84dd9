"""`reconcile promote --from ENV --to ENV [NAME...]`: copy model specs between environments.

Text output is the unified diff of every changed file followed by a field-level summary;
``--dry-run`` writes nothing and exits 2 when something would change (0 when nothing would),
like the main job's dry run.
"""

from __future__ import annotations

from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import (
    CommonOptions,
    build_options,
    common_options,
    lock_timeout_option,
)
from reconciler.engine.jobs.promote import run_promote
from reconciler.report.promotions import PromotionReport
from reconciler.report.reporters import render
from reconciler.structs.errors import ExitCode


@click.command("promote")
@click.option("--from", "source", required=True, metavar="ENV")
@click.option("--to", "target", required=True, metavar="ENV")
@click.option("--dry-run", is_flag=True, help="Show the diff; write nothing; exit 2 if any.")
@click.option(
    "--keep-refs",
    is_flag=True,
    help="For models new to the target, copy ${VAR} references that do not start with "
    "the source's prefix unchanged instead of refusing.",
)
@click.argument("names", nargs=-1)
@lock_timeout_option
@common_options
@click.pass_context
def promote(
    ctx: click.Context,
    /,
    *,
    source: str,
    target: str,
    dry_run: bool,
    keep_refs: bool,
    names: tuple[str, ...],
    lock_timeout: float,
    **given: Any,
) -> None:
    """Copy model specs; the target keeps its credentials refs, labels, usage, pricing, guard."""
    options = build_options(ctx, **given)
    guarded(
        lambda: _run(
            source,
            target,
            names,
            options,
            dry_run=dry_run,
            keep_refs=keep_refs,
            lock_timeout=lock_timeout,
        ),
        verbose=options.verbose,
    )


def _run(
    source: str,
    target: str,
    names: tuple[str, ...],
    options: CommonOptions,
    *,
    dry_run: bool,
    keep_refs: bool,
    lock_timeout: float,
) -> int:
    done = run_promote(
        options.root,
        source_env=source,
        target_env=target,
        names=names,
        dry_run=dry_run,
        keep_refs=keep_refs,
        lock_timeout=lock_timeout,
    )
    report = PromotionReport(source, target, dry_run, options.root, done)
    click.echo(render(report, options.fmt), nl=False)
    return int(ExitCode.CHANGES_PENDING if dry_run and report.changed else ExitCode.OK)
