"""`reconcile github`: post reports to GitHub pull requests and issues (for the workflows)."""

from __future__ import annotations

from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import build_options, common_options
from reconciler.structs.errors import ConfigError


@click.command("github")
@common_options
@click.pass_context
def github(ctx: click.Context, **given: Any) -> None:
    """post reports to GitHub pull requests and issues (for the workflows). (not built yet)"""
    options = build_options(ctx, **given)

    def action() -> int:
        raise ConfigError("'reconcile github' is not built yet", hint="see the README for what works")

    guarded(action, verbose=options.verbose)
