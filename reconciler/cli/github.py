"""`reconcile github`: small helpers the workflows call to post reports to GitHub.

Each reads a report file that an earlier ``reconcile ... --format markdown`` wrote and hands it
to ``reconciler.github``. The repository, API URL and token come from the variables Actions
sets (``GITHUB_REPOSITORY``, ``GITHUB_API_URL``, ``GITHUB_TOKEN``); the token is never printed.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from reconciler.cli.boundary import guarded
from reconciler.github import (
    GitHubClient,
    append_step_summary,
    find_reviewed_plan,
    open_state_pull_request,
    sync_drift_issue,
    upsert_plan_comment,
)
from reconciler.structs.errors import ConfigError

_REPORT = click.Path(dir_okay=False, path_type=Path)
_VERBOSE = click.option("-v", "--verbose", count=True, help="-v shows tracebacks.")


@click.group("github")
def github() -> None:
    """Post reports to pull requests, issues and the job summary (for the workflows)."""


@github.command("comment")
@click.option("--pr", type=int, required=True, help="Pull request number.")
@click.option("--env", "env", required=True, metavar="ENV")
@click.option("--file", "report", type=_REPORT, required=True, help="Markdown report.")
@_VERBOSE
def comment(pr: int, env: str, report: Path, verbose: int) -> None:
    """Create or update the one plan comment of ENV on pull request PR."""

    def action() -> int:
        client = GitHubClient.from_env(os.environ)
        result = upsert_plan_comment(client, pr=pr, env=env, report=_read(report))
        click.echo(f"plan comment for '{env}' {result.action}: {result.url}")
        return 0

    guarded(action, verbose=verbose)


@github.command("drift-issue")
@click.option("--env", "env", required=True, metavar="ENV")
@click.option("--file", "report", type=_REPORT, required=True, help="Markdown drift report.")
@click.option(
    "--status",
    type=click.Choice(["found", "clear"]),
    required=True,
    help="found: open or update the issue; clear: close it.",
)
@_VERBOSE
def drift_issue(env: str, report: Path, status: str, verbose: int) -> None:
    """Open, update or close the drift issue of ENV."""

    def action() -> int:
        client = GitHubClient.from_env(os.environ)
        text = _read(report) if status == "found" else ""
        result = sync_drift_issue(client, env=env, report=text, drifted=status == "found")
        where = f" #{result.number}: {result.url}" if result.number else ""
        click.echo(f"drift issue for '{env}': {result.action}{where}")
        return 0

    guarded(action, verbose=verbose)


@github.command("fetch-plan")
@click.option("--env", "env", required=True, metavar="ENV")
@click.option("--commit", required=True, help="The commit being applied.")
@click.option("--out", type=_REPORT, required=True, help="Where to write the saved plan.")
@_VERBOSE
def fetch_plan(env: str, commit: str, out: Path, verbose: int) -> None:
    """Fetch the plan of ENV saved for COMMIT or its pull request; print plan=, pr= lines."""

    def action() -> int:
        client = GitHubClient.from_env(os.environ)
        found = find_reviewed_plan(client, env=env, commit=commit)
        if found is None:
            click.echo("plan=\npr=")
            click.echo(f"no saved plan of '{env}' for {commit[:12]}: a fresh plan", err=True)
            return 0
        out.write_bytes(found.text)
        click.echo(f"plan={out}\npr={found.pull_request or ''}")
        click.echo(f"the plan of '{env}' reviewed at {found.commit[:12]} is in {out}", err=True)
        return 0

    guarded(action, verbose=verbose)


@github.command("state-pr")
@click.option("--env", "env", required=True, metavar="ENV")
@click.option("--branch", required=True, help="The branch holding the state commit.")
@click.option("--base", default="main", show_default=True, help="Where the state belongs.")
@click.option("--file", "report", type=_REPORT, required=True, help="Markdown apply report.")
@_VERBOSE
def state_pr(env: str, branch: str, base: str, report: str, verbose: int) -> None:
    """Open a pull request for state that could not be pushed (one per branch)."""

    def action() -> int:
        client = GitHubClient.from_env(os.environ)
        text = _read(Path(report))
        result = open_state_pull_request(client, env=env, branch=branch, base=base, report=text)
        click.echo(f"state pull request for '{env}' {result.action}: {result.url}")
        return 0

    guarded(action, verbose=verbose)


@github.command("summary")
@click.option("--file", "report", type=_REPORT, required=True, help="Markdown report.")
@_VERBOSE
def summary(report: Path, verbose: int) -> None:
    """Append REPORT to the job summary ($GITHUB_STEP_SUMMARY)."""

    def action() -> int:
        append_step_summary(_read(report), environ=os.environ)
        return 0

    guarded(action, verbose=verbose)


def _read(report: Path) -> str:
    try:
        return report.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"cannot read the report {report}: {exc.strerror}",
            hint="write it first with 'reconcile ... --format markdown > FILE'",
        ) from exc
