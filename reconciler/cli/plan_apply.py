"""`reconcile plan` and `reconcile apply`: the main job under the verbs people type.

``plan`` is ``reconcile --env ENV --dry-run`` (``--out FILE`` saves the plan for review);
``apply`` is ``reconcile --env ENV`` (``--plan FILE`` applies only a plan that is still what
was reviewed). Both take ``--target NAME`` (repeatable) to limit the run to those models.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.lazy import load
from reconciler.cli.options import MAIN_JOB, build_options, lock_timeout_option, options

PLAN_OPTIONS = ("root", "fmt", "sandbox", "prune", "verbose", "full", "color")
APPLY_OPTIONS = MAIN_JOB

target_option = click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="NAME",
    help="Only this model (repeatable); validation, the lock and the records stay whole.",
)


@click.command("plan")
@click.option("--env", "env", required=True, metavar="ENV", help="Environment to plan.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Also save the plan (JSON with planDigest and gitCommit) for apply --plan.",
)
@target_option
@options(*PLAN_OPTIONS)
@click.pass_context
def plan(
    ctx: click.Context, /, env: str, out: Path | None, targets: tuple[str, ...], **given: Any
) -> None:
    """Show what apply would change; exit 2 when there are changes, 0 when in sync."""
    common = build_options(ctx, **given)
    run_main_job = load("reconciler.cli.run:run_main_job")
    guarded(
        lambda: run_main_job(env, dry_run=True, options=common, targets=_unique(targets), out=out),
        verbose=common.verbose,
    )


@click.command("apply")
@click.option("--env", "env", required=True, metavar="ENV", help="Environment to apply.")
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Apply only if a fresh plan equals this saved one (else exit 4, stale-plan).",
)
@target_option
@lock_timeout_option
@options(*APPLY_OPTIONS)
@click.pass_context
def apply(
    ctx: click.Context,
    /,
    env: str,
    plan_file: Path | None,
    targets: tuple[str, ...],
    lock_timeout: float,
    **given: Any,
) -> None:
    """Make live match git (or a saved plan); exit 0 when applied, 3 incomplete, 4 blocked."""
    common = build_options(ctx, **given)
    run_main_job = load("reconciler.cli.run:run_main_job")

    def run() -> int:
        saved, chosen = _saved(plan_file, env, _unique(targets), root=common.root)
        return int(
            run_main_job(
                env,
                dry_run=False,
                options=common,
                lock_timeout=lock_timeout,
                targets=chosen,
                saved=saved,
            )
        )

    guarded(run, verbose=common.verbose)


def _saved(
    plan_file: Path | None, env: str, targets: tuple[str, ...], *, root: Path
) -> tuple[Any, tuple[str, ...]]:
    """The saved plan (or None) and the targets to plan: those the plan was saved with."""
    if plan_file is None:
        return None, targets
    from reconciler.engine.plan.saved_plan import read_saved_plan  # noqa: PLC0415 (only with --plan)
    from reconciler.structs.errors import ConfigError  # noqa: PLC0415

    saved = read_saved_plan(plan_file, env)
    if targets and set(targets) != set(saved.targets):
        raise ConfigError(
            f"--target {', '.join(targets)} differs from the targets the plan was saved "
            f"with ({', '.join(saved.targets) or 'every model'})",
            hint="leave --target out: apply --plan uses the saved plan's targets",
        )
    return saved, saved.targets


def _unique(targets: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(targets))
