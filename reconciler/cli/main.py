"""``reconcile``: the group that runs the main job and hosts every subcommand.

Subcommands are listed in ``COMMANDS``, one ``Lazy`` line each (name, where the click command
lives, its one-line help), and imported only when run: ``--help`` loads click and this table.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

import click
from click.core import ParameterSource

from reconciler import __version__
from reconciler.cli.boundary import echo_failure, failure_document, guarded
from reconciler.cli.environ import from_environment
from reconciler.cli.lazy import Lazy, LazyGroup, load
from reconciler.cli.options import GROUP, build_options, lock_timeout_option, options
from reconciler.structs.errors import ExitCode

# One line per subcommand; the help must match the command's docstring (tests/cli/test_lazy.py).
COMMANDS = (
    Lazy(
        "apply",
        "reconciler.cli.plan_apply:apply",
        "Make live match git (or a saved plan); exit 0 when applied, 3 incomplete, 4 blocked.",
    ),
    Lazy("audit", "reconciler.cli.audit:audit", "Audit log commands."),
    Lazy(
        "cost",
        "reconciler.cli.cost:cost",
        "Projected monthly cost (30-day month) per model and in total, against the budget.",
    ),
    Lazy(
        "drift",
        "reconciler.cli.drift:drift",
        "Compare git, the last snapshot and live; exit 2 when they disagree.",
    ),
    Lazy(
        "github",
        "reconciler.cli.github:github",
        "Post reports to pull requests, issues and the job summary (for the workflows).",
    ),
    Lazy(
        "import",
        "reconciler.cli.import_:import_",
        "Write a manifest for each live model (or those NAMEd); keys become ${VAR} references.",
    ),
    Lazy(
        "init",
        "reconciler.cli.init:init",
        "Write a new config repository: environments, schemas, workflows, pre-commit, README.",
    ),
    Lazy(
        "invoke",
        "reconciler.cli.invoke:invoke",
        "Screen INPUT with the prompt-injection guard, then invoke endpoint NAME.",
    ),
    Lazy(
        "plan",
        "reconciler.cli.plan_apply:plan",
        "Show what apply would change; exit 2 when there are changes, 0 when in sync.",
    ),
    Lazy(
        "promote",
        "reconciler.cli.promote:promote",
        "Copy model specs; the target keeps its credentials refs, labels, usage, pricing, guard.",
    ),
    Lazy(
        "sandbox",
        "reconciler.cli.sandbox:sandbox",
        "Run the Gateway API emulator on loopback; prints its base URL first.",
    ),
    Lazy(
        "schema",
        "reconciler.cli.schema:schema",
        "Print the JSON Schema NAME (a manifest kind or a command's JSON output), or list them.",
    ),
    Lazy(
        "serve",
        "reconciler.cli.serve:serve",
        "Serve the configurator API and web page; prints its base URL first.",
    ),
    Lazy(
        "sync",
        "reconciler.cli.sync:sync",
        "Follow git: fetch, fast-forward, plan, and apply what policy.sync allows, every round.",
    ),
    Lazy(
        "unlock",
        "reconciler.cli.unlock:unlock",
        "Break a stale environment lock (with --push, the remote lease too); audited.",
    ),
    Lazy(
        "validate",
        "reconciler.cli.validate:validate",
        "Check manifests and environments offline; exit 1 on any error.",
    ),
)


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    on_load=from_environment,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option("--env", "env", metavar="ENV", help="Environment to reconcile (the main job).")
@click.option("--dry-run", is_flag=True, help="Show the plan; change nothing.")
@lock_timeout_option
@options(*GROUP)
@click.version_option(__version__, prog_name="reconcile")
@click.pass_context
def cli(
    ctx: click.Context, /, env: str | None, dry_run: bool, lock_timeout: float, **given: Any
) -> None:
    """Make the live LLM Gateway model endpoints match the manifests in git.

    \b
    reconcile plan --env ENV          show what would change (--out FILE saves it)
    reconcile apply --env ENV         apply it (--plan FILE: only if still that plan)
    reconcile --env ENV [--dry-run]   the same, as one command
    Exit codes: 0 in sync/applied, 1 invalid input, 2 changes pending, 3 apply incomplete,
    4 blocked by policy, 5 API unreachable or auth failed, 130 interrupted.
    """
    if ctx.invoked_subcommand is not None:
        given_here = {
            name
            for name in ("env", "dry_run", "lock_timeout")
            if ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE
        }  # a RECONCILE_ENV meant for the subcommand is no mistake
        if given_here & {"env", "dry_run"}:
            raise click.UsageError(
                f"--env/--dry-run before '{ctx.invoked_subcommand}' belong to the main job; "
                f"put them after it: reconcile {ctx.invoked_subcommand} --env ENV"
            )
        if "lock_timeout" in given_here:
            name = ctx.invoked_subcommand
            command = cli.get_command(ctx, name)
            takes = command is not None and any(p.name == "lock_timeout" for p in command.params)
            where = (
                f"put it after: reconcile {name} --lock-timeout SECONDS"
                if takes
                else f"'{name}' takes no lock, so drop it"
            )
            raise click.UsageError(
                f"--lock-timeout before '{name}' belongs to the main job; {where}"
            )
        return
    if env is None:
        click.echo(ctx.get_help())
        ctx.exit(1)
    options = build_options(ctx, **given)
    run_main_job = load("reconciler.cli.run:run_main_job")
    guarded(
        lambda: run_main_job(env, dry_run=dry_run, options=options, lock_timeout=lock_timeout),
        verbose=options.verbose,
    )


from_environment(cli)


def main() -> None:
    """Entry point. Click's own usage errors exit 2, which CONTRACT section 4 reserves for
    "changes pending" (CI scripts treat it as success), so they are mapped to 1 here."""
    try:
        code = cli.main(prog_name="reconcile", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        if _asks_for_json(sys.argv[1:], os.environ):
            code = int(ExitCode.INTERRUPTED)
            echo_failure(failure_document("interrupted", "interrupted", code))
        sys.exit(int(ExitCode.INTERRUPTED))
    except click.ClickException as exc:
        exc.show()
        if _asks_for_json(sys.argv[1:], os.environ):
            echo_failure(failure_document("usage", exc.format_message(), int(ExitCode.INVALID)))
        sys.exit(int(ExitCode.INVALID))
    sys.exit(code if isinstance(code, int) else 0)


def _asks_for_json(argv: list[str], environ: Mapping[str, str]) -> bool:
    """Whether a command line that click refused asked for JSON: it was never parsed, so this
    reads the words (``--format json``, ``--format=json``, ``RECONCILE_FORMAT=json``)."""
    for before, word in zip(["", *argv], argv, strict=False):
        if word == "--format=json" or (before == "--format" and word == "json"):
            return True
    return environ.get("RECONCILE_FORMAT") == "json"
