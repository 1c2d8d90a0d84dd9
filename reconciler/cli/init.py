"""`reconcile init [DIR]`: scaffold a team's config repository (see ``reconciler.scaffold``)."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler import __version__
from reconciler.cli.boundary import guarded
from reconciler.scaffold import DEFAULT_ENVS, ScaffoldRequest, write_scaffold


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
    default="",
    metavar="OWNER/NAME",
    help="Required: the GitHub repository your workflows take reconcile's action and reusable "
    "workflows from (where reconcile is published, or your fork or mirror).",
)
@click.option(
    "--tool-commit",
    default="",
    metavar="SHA",
    help="The commit of v<tool-version> there; looked up with `git ls-remote` when not given.",
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
    tool_commit: str,
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
        tool_commit=tool_commit,
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
    click.echo(
        f"The workflows call {request.tool_repo}'s reusable workflows at v{request.version}, "
        "pinned by commit in their `uses:` lines (the one place naming the version; Dependabot "
        "updates it). To take reconcile from elsewhere, change those lines: see README.md."
    )
    return 0
