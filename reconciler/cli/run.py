"""The main job: ``reconcile --env ENV [--dry-run]``, ``reconcile plan`` and ``reconcile apply``.

Parses nothing itself (the commands did); a ``Presenter`` chooses reporters for the format and
the confirmation behaviour for the terminal, and ``engine.jobs.mainjob.run_job`` does the work.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from reconciler.cli.lazy import load
from reconciler.cli.options import CommonOptions
from reconciler.cli.progress import ProgressPrinter
from reconciler.engine.jobs.mainjob import run_job
from reconciler.engine.jobs.request import JobHooks, JobRequest
from reconciler.engine.plan.saved_plan import SavedPlan, plan_digest
from reconciler.engine.plan.stamp import stamp_for
from reconciler.engine.record.events import Event
from reconciler.gitops.locksettings import DEFAULT_TIMEOUT, lock_ttl
from reconciler.report.plan_json import plan_document, render_json
from reconciler.report.reporters import one_document, render
from reconciler.structs.errors import ConfigError
from reconciler.structs.outcome import Applied, ApplyResult
from reconciler.structs.plan import Plan

if TYPE_CHECKING:
    from reconciler.engine.apply.settle import HealthCheck
    from reconciler.engine.plan.prepare import Prepared
    from reconciler.gateway import GatewayClient


class Presenter:
    """Everything the main job shows or asks, for one output format."""

    def __init__(
        self,
        env: str,
        *,
        dry_run: bool,
        options: CommonOptions,
        out: Path | None = None,
        targets: tuple[str, ...] = (),
    ) -> None:
        self.env, self.dry_run, self.options = env, dry_run, options
        self.out, self.targets = out, targets
        self.progress: ProgressPrinter | None = None

    def show_plan(self, plan: Plan) -> None:
        digest = None
        if self.out is not None:
            digest = write_saved_plan(self.out, plan, root=self.options.root, targets=self.targets)
            click.echo(f"saved the plan to {self.out} (planDigest {digest})", err=True)
        # A one-document format prints the plan with the apply's result; a plan that stops
        # here (dry run, nothing to do, refused) is the whole answer.
        stops_here = self.dry_run or not plan.has_changes or plan.refused
        if one_document(self.options.fmt) and not stops_here:
            return
        view = self.options.view(stamp=stamp_for(self.options.root, os.environ))
        click.echo(render(plan, self.options.fmt, view), nl=False, color=view.colour)
        if digest is not None and self.options.fmt == "markdown":
            # The comment names the plan that apply --plan will take.
            click.echo(f"<sub>saved plan: planDigest `{digest}`</sub>")

    def confirm(self, plan: Plan) -> bool:
        if not self.options.yes:
            if not sys.stdin.isatty():
                raise ConfigError(
                    "refusing to change anything without --yes when not on a terminal",
                    hint="rerun with --yes, or --dry-run to look",
                )
            question = f"Apply {len(plan.pending)} change(s) to '{self.env}'?"
            if not click.confirm(question, default=False, err=True):
                return False
        self.progress = ProgressPrinter(total=len(plan.pending))
        return True

    def on_event(self, event: Event) -> None:
        if self.progress is not None:
            self.progress(event)

    def show_result(self, plan: Plan, result: ApplyResult) -> None:
        if self.progress is not None:
            self.progress.finish()
        click.echo(render(Applied(plan, result), self.options.fmt), nl=False)


def run_main_job(
    env: str,
    *,
    dry_run: bool,
    options: CommonOptions,
    lock_timeout: float = DEFAULT_TIMEOUT,
    targets: tuple[str, ...] = (),
    saved: SavedPlan | None = None,
    out: Path | None = None,
) -> int:
    request = JobRequest(
        root=options.root,
        environment=env,
        dry_run=dry_run,
        sandbox=options.sandbox,
        prune=options.prune,
        commit=options.commit,
        push=options.push,
        remote=options.remote,
        lock_timeout=lock_timeout,
        lock_ttl=lock_ttl(os.environ),
        targets=targets,
        saved=saved,
    )
    presenter = Presenter(env, dry_run=dry_run, options=options, out=out, targets=targets)
    hooks = JobHooks(
        show_plan=presenter.show_plan,
        confirm=presenter.confirm,
        show_result=presenter.show_result,
        on_event=presenter.on_event,
        make_health_check=_health_check,
        on_wait=lambda message: click.echo(message, err=True),
        on_notice=lambda message: click.echo(message, err=True),
    )
    try:
        return run_job(request, hooks)
    finally:  # an apply that raised must not leave the progress clock drawing over the error
        if presenter.progress is not None:
            presenter.progress.finish()


def write_saved_plan(path: Path, plan: Plan, *, root: Path, targets: tuple[str, ...]) -> str:
    """``plan --out FILE``: the plan's JSON document, its ``planDigest`` and ``gitCommit``
    (and the targets it was limited to), written whole or not at all; returns the digest."""
    commit_of = load("reconciler.engine.record.writeback:manifests_commit")  # git: only when saving
    doc = plan_document(plan) | {
        "planDigest": plan_digest(plan),
        "gitCommit": commit_of(root, plan.environment),
        "targets": list(targets),
    }
    _refuse_inside_the_repository_data(path, root)
    atomic_write = load("reconciler.gitops.snapshot:atomic_write")
    try:
        atomic_write(path.resolve(), render_json(doc))
    except OSError as exc:
        raise ConfigError(
            f"cannot save the plan to {path}: {exc.strerror or exc}",
            hint="give --out a file in a folder you can write to",
        ) from None
    return str(doc["planDigest"])


def _refuse_inside_the_repository_data(path: Path, root: Path) -> None:
    """A plan changes nothing, so its file never lands among the records or the manifests:
    over ``state/<env>/snapshot.json`` it made every later run stop at "not a valid
    snapshot", and under ``environments/`` it would be read as a manifest."""
    target = path.resolve()
    for folder in ("state", "environments"):
        if target.is_relative_to((root / folder).resolve()):
            raise ConfigError(
                f"--out {path} is inside {folder}/, which reconcile reads and writes itself",
                hint="save the plan outside state/ and environments/, e.g. --out plan.json",
            )


def _health_check(prepared: Prepared, client: GatewayClient) -> HealthCheck | None:
    """The applier's health check, whose modules (the guarded invocation, the settler) a dry
    run never needs, so they are imported when a run applies."""
    check = load("reconciler.engine.apply.health:guarded_health_check")
    return cast("HealthCheck | None", check(prepared, client))
