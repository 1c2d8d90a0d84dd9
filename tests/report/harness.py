"""The CLI run in-process the way a user runs it: arguments, environment, exit status, output."""

from __future__ import annotations

from dataclasses import dataclass

from click.testing import CliRunner

from reconciler.cli.main import cli
from tests.fixtures_engine import ConfigRepo


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


def reconcile(repo: ConfigRepo, *args: str, **environ: str) -> Ran:
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [*args, "--root", str(repo.root)],
        env={**repo.environ, **environ},
        catch_exceptions=False,
    )
    return Ran(code=result.exit_code, out=result.stdout, err=result.stderr)
