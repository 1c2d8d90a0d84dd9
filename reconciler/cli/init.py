"""`reconcile init [DIR]`: scaffold a team's config repository (see ``reconciler.scaffold``)."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler import __version__
from reconciler.cli.boundary import guarded
from reconciler.scaffold import DEFAULT_ENVS, DEFAULT_TOOL_REPO, ScaffoldRequest, write_scaffold


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option(
    "--envs",
    default=",".join(DEFAULT_ENVS),
    show_default=True,
    help="Environments, comma-separated, in the order apply promotes through them.",
)
@click.option("--region", default="us-east-1", show_default=True, help="Genesys Cloud region.")
@click.option(
    "--tool-version",
    default=__version__,
    show_default=True,
    help="The reconcile release the workflows and the pre-commit hook pin.",
)
@click.option(
    "--tool-repo",
    default=DEFAULT_TOOL_REPO,
    show_default=True,
    metavar="OWNER/NAME",
    help="The GitHub repository of reconcile's action and reusable workflows.",
)
@click.option("--force", is_flag=True, help="Rewrite the scaffold's files where they exist.")
@click.option("-v", "--verbose", count=True, help="-v shows tracebacks.")
def init(
    directory: Path,
    *,
    envs: str,
    region: str,
    tool_version: str,
    tool_repo: str,
    force: bool,
    verbose: int,
) -> None:
    """Write a new config repository: environments, schemas, workflows, pre-commit, README."""
    request = ScaffoldRequest(
        root=directory,
        version=tool_version,
        envs=tuple(e.strip() for e in envs.split(",") if e.strip()),
        region=region,
        tool_repo=tool_repo,
        force=force,
    )
    guarded(lambda: _run(request), verbose=verbose)


def _run(request: ScaffoldRequest) -> int:
    written = write_scaffold(request)
    for rel in written:
        click.echo(f"wrote {rel}")
    first = request.envs[0]
    where = "" if request.root == Path(".") else f"cd {request.root} && "
    click.echo(
        f"{len(written)} files written. Next: {where}git init && reconcile validate && "
        f"reconcile --env {first} --dry-run --sandbox"
    )
    return 0
