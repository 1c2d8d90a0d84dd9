"""`reconcile audit verify [--history]`: check the hash chain of every environment's audit log.

``--history`` also walks the git history of each ``state/<env>/`` (see ``gitops.history``);
``RECONCILE_AUDIT_KEY`` set makes every entry's MAC part of the check.

Every environment is checked and reported before the exit status is decided, so one broken
log does not hide another. Exit 0 when all verify, 1 (invalid input) otherwise. An ``--env``
that names no environment (none under ``state/`` or ``environments/``) is an error rather than
an empty success, because a typo must not pass as a verified log.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import build_options, common_options
from reconciler.gitops.audit import AuditVerdict
from reconciler.gitops.history import verify_history
from reconciler.gitops.state import audit_path, state_environments, verify_environment
from reconciler.manifests import list_environments
from reconciler.structs.errors import ConfigError, ExitCode


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
@common_options
@click.pass_context
def verify(ctx: click.Context, /, env: str | None, history: bool, **given: Any) -> None:
    """Check the audit log's hash chain (every environment under state/ by default)."""
    options = build_options(ctx, **given)

    def check(name: str) -> AuditVerdict:
        verdict = verify_environment(options.root, name)
        if verdict.ok and history:
            return verify_history(options.root, name)
        return verdict

    def action() -> int:
        envs = [_known(options.root, env)] if env else state_environments(options.root)
        verdicts = {name: check(name) for name in envs}
        text = _render(options.fmt, root=options.root, verdicts=verdicts)
        if history and options.fmt == "text" and verdicts and all(v.ok for v in verdicts.values()):
            text += "git history of state/ checked: each committed version extends the one before\n"
        click.echo(text, nl=False)
        ok = all(v.ok for v in verdicts.values())
        return int(ExitCode.OK if ok else ExitCode.INVALID)

    guarded(action, verbose=options.verbose)


def _known(root: Path, env: str) -> str:
    known = sorted(set(state_environments(root)) | set(list_environments(root)))
    if env not in known:
        raise ConfigError(
            f"unknown environment {env!r} (known: {', '.join(known) or 'none'})",
            hint="environments are the folders of state/ and of environments/ under --root",
        )
    return env


def _render(fmt: str, *, root: Path, verdicts: dict[str, AuditVerdict]) -> str:
    if fmt == "json":
        return _as_json(root, verdicts)
    if fmt == "markdown":
        return _as_markdown(verdicts)
    return _as_text(root, verdicts)


def _as_text(root: Path, verdicts: dict[str, AuditVerdict]) -> str:
    if not verdicts:
        return "no audit logs under state/\n"
    lines = []
    for env, verdict in verdicts.items():
        path = audit_path(root, env).relative_to(root).as_posix()
        if verdict.ok:
            note = "" if verdict.entries else " (no audit log yet)"
            lines.append(f"{env}: ok: {verdict.entries} entries{note}")
        else:
            where = f" line {verdict.first_bad_line}" if verdict.first_bad_line else ""
            lines.append(f"{env}: FAILED: {path}{where}: {verdict.reason}")
    return "\n".join(lines) + "\n"


def _as_json(root: Path, verdicts: dict[str, AuditVerdict]) -> str:
    report = {
        "formatVersion": 1,
        "ok": all(v.ok for v in verdicts.values()),
        "environments": [
            {
                "environment": env,
                "path": audit_path(root, env).relative_to(root).as_posix(),
                "ok": v.ok,
                "entries": v.entries,
                "firstBadLine": v.first_bad_line,
                "reason": v.reason,
                "torn": v.torn,
            }
            for env, v in verdicts.items()
        ],
    }
    return json.dumps(report, indent=2) + "\n"


def _as_markdown(verdicts: dict[str, AuditVerdict]) -> str:
    bad = [env for env, v in verdicts.items() if not v.ok]
    head = "**Audit logs: all verify.**" if not bad else f"**Audit logs failing: {', '.join(bad)}**"
    rows = ["| environment | result | entries | first bad line | reason |", "|---|---|---|---|---|"]
    for env, v in verdicts.items():
        result = "ok" if v.ok else "FAILED"
        line = v.first_bad_line or ""
        rows.append(f"| {env} | {result} | {v.entries} | {line} | {v.reason or ''} |")
    return head + "\n\n" + "\n".join(rows) + "\n"
