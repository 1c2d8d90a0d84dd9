"""`reconcile audit verify [--history]`: check the hash chain of every environment's audit log.

``--history`` also walks the git history of each ``state/<env>/`` (see ``gitops.history``);
``RECONCILE_AUDIT_KEY`` set makes every entry's MAC part of the check. ``--sandbox`` checks
the sandbox runs' records instead (``.reconciler/sandbox/state/``), which git never holds, so
it does not go with ``--history``.

Every environment is checked and reported before the exit status is decided, so one broken
log does not hide another. Exit 0 when all verify, 1 (invalid input) otherwise. An ``--env``
that names no environment (none under ``state/`` or ``environments/``) is an error rather than
an empty success, because a typo must not pass as a verified log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import build_options, options
from reconciler.gitops.audit import AuditVerdict
from reconciler.gitops.history import verify_history
from reconciler.gitops.state import audit_path, state_environments, verify_environment
from reconciler.manifests import list_environments
from reconciler.report.audit import AuditReport
from reconciler.report.reporters import render
from reconciler.structs.errors import ConfigError, ExitCode
from reconciler.structs.paths import records_root


@click.group("audit")
def audit() -> None:
    """Audit log commands."""


@audit.command("verify")
@click.option("--env", "env", metavar="ENV", default=None, help="Only this environment.")
@click.option(
    "--history",
    is_flag=True,
    help="Also check every committed version of state/<env>/ against the one before it.",
)
@options("root", "fmt", "sandbox", "verbose")
@click.pass_context
def verify(ctx: click.Context, /, env: str | None, history: bool, **given: Any) -> None:
    """Check the audit log's hash chain (every environment under state/ by default)."""
    common = build_options(ctx, **given)
    if common.sandbox and history:
        raise click.UsageError(
            "--history does not go with --sandbox: a sandbox run's records are never "
            "committed, so git holds no history of them; drop --history"
        )
    root = common.root
    records = records_root(root, sandbox=common.sandbox)

    def check(name: str) -> AuditVerdict:
        verdict = verify_environment(records, name)
        if verdict.ok and history:
            return verify_history(root, name)
        return verdict

    def action() -> int:
        envs = [_known(root, records, env)] if env else state_environments(records)
        verdicts = {name: check(name) for name in envs}
        paths = {e: audit_path(records, e).relative_to(root).as_posix() for e in envs}
        folder = (records / "state").relative_to(root).as_posix() + "/"
        report = AuditReport(verdicts, paths, history=history, folder=folder)
        click.echo(render(report, common.fmt), nl=False)
        return int(ExitCode.OK if report.ok else ExitCode.INVALID)

    guarded(action, verbose=common.verbose)


def _known(root: Path, records: Path, env: str) -> str:
    known = sorted(set(state_environments(records)) | set(list_environments(root)))
    if env not in known:
        raise ConfigError(
            f"unknown environment {env!r} (known: {', '.join(known) or 'none'})",
            hint="environments are the folders of state/ and of environments/ under --root",
        )
    return env
