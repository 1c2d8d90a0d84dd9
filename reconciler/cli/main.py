"""``reconcile``: the group that runs the main job and hosts every subcommand."""

from __future__ import annotations

import sys
from typing import Any

import click

from reconciler import __version__
from reconciler.cli.audit import audit
from reconciler.cli.boundary import guarded
from reconciler.cli.cost import cost
from reconciler.cli.drift import drift
from reconciler.cli.github import github
from reconciler.cli.import_ import import_
from reconciler.cli.invoke import invoke
from reconciler.cli.options import build_options, common_options
from reconciler.cli.promote import promote
from reconciler.cli.run import run_main_job
from reconciler.cli.sandbox import sandbox
from reconciler.cli.validate import validate
from reconciler.structs.errors import ExitCode


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--env", "env", metavar="ENV", help="Environment to reconcile (the main job).")
@click.option("--dry-run", is_flag=True, help="Show the plan; change nothing.")
@common_options
@click.version_option(__version__, prog_name="reconcile")
@click.pass_context
def cli(ctx: click.Context, /, env: str | None, dry_run: bool, **given: Any) -> None:
    """Make the live LLM Gateway model endpoints match the manifests in git.

    \b
    reconcile --env ENV [--dry-run]   plan, and without --dry-run apply it
    Exit codes: 0 in sync/applied, 1 invalid input, 2 changes pending, 3 apply incomplete,
    4 blocked by policy, 5 API unreachable or auth failed, 130 interrupted.
    """
    if ctx.invoked_subcommand is not None:
        if env is not None or dry_run:
            raise click.UsageError(
                f"--env/--dry-run before '{ctx.invoked_subcommand}' belong to the main job; "
                f"put them after it: reconcile {ctx.invoked_subcommand} --env ENV"
            )
        return
    if env is None:
        click.echo(ctx.get_help())
        ctx.exit(1)
    options = build_options(ctx, **given)
    guarded(lambda: run_main_job(env, dry_run=dry_run, options=options), verbose=options.verbose)


for command in (validate, drift, import_, promote, audit, invoke, cost, sandbox, github):
    cli.add_command(command)


def main() -> None:
    """Entry point. Click's own usage errors exit 2, which CONTRACT section 4 reserves for
    "changes pending" (CI scripts treat it as success), so they are mapped to 1 here."""
    try:
        code = cli.main(prog_name="reconcile", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(int(ExitCode.INTERRUPTED))
    except click.ClickException as exc:
        exc.show()
        sys.exit(int(ExitCode.INVALID))
    sys.exit(code if isinstance(code, int) else 0)
