"""The main job: ``reconcile --env ENV [--dry-run]``.

Parses nothing itself (the group did); it chooses reporters for the format, the confirmation
behaviour for the terminal, and hands everything to ``engine.mainjob.run_job``.
"""

from __future__ import annotations

import sys

import click

from reconciler.cli.options import CommonOptions
from reconciler.cli.progress import ProgressPrinter
from reconciler.engine.health import guarded_health_check
from reconciler.engine.mainjob import JobHooks, JobRequest, run_job
from reconciler.report.apply_result import render_result_text, result_document
from reconciler.report.plan_json import plan_document, render_json
from reconciler.report.plan_markdown import render_plan_markdown
from reconciler.report.plan_text import render_plan_text
from reconciler.structs.errors import ConfigError
from reconciler.structs.outcome import ApplyResult
from reconciler.structs.plan import Plan


def run_main_job(env: str, *, dry_run: bool, options: CommonOptions) -> int:
    request = JobRequest(
        root=options.root,
        environment=env,
        dry_run=dry_run,
        sandbox=options.sandbox,
        prune=options.prune,
        commit=options.commit,
        push=options.push,
    )
    state: dict[str, ProgressPrinter] = {}

    def show_plan(plan: Plan) -> None:
        if options.fmt == "text":
            click.echo(render_plan_text(plan, colour=sys.stdout.isatty()), nl=False)
        elif options.fmt == "markdown":
            click.echo(render_plan_markdown(plan))
        elif dry_run or not plan.has_changes:
            click.echo(render_json(plan_document(plan)), nl=False)

    def confirm(plan: Plan) -> bool:
        if not options.yes:
            if not sys.stdin.isatty():
                raise ConfigError(
                    "refusing to change anything without --yes when not on a terminal",
                    hint="rerun with --yes, or --dry-run to look",
                )
            if not click.confirm(
                f"Apply {len(plan.pending)} change(s) to '{env}'?", default=False, err=True
            ):
                return False
        state["progress"] = ProgressPrinter(total=len(plan.pending))
        return True

    def show_result(plan: Plan, result: ApplyResult) -> None:
        if "progress" in state:
            state["progress"].finish()
        if options.fmt == "json":
            doc = plan_document(plan) | {"result": result_document(result)}
            click.echo(render_json(doc), nl=False)
        else:
            click.echo(render_result_text(plan, result), nl=False)

    def on_event(event: object) -> None:
        if "progress" in state:
            state["progress"](event)  # type: ignore[arg-type]

    hooks = JobHooks(
        show_plan=show_plan,
        confirm=confirm,
        show_result=show_result,
        on_event=on_event,
        make_health_check=guarded_health_check,
    )
    return run_job(request, hooks)
