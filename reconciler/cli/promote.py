"""`reconcile promote`: copy model specs from one environment to another."""

from __future__ import annotations

from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import build_options, common_options
from reconciler.structs.errors import ConfigError


@click.command("promote")
@common_options
@click.pass_context
def promote(ctx: click.Context, **given: Any) -> None:
    """copy model specs from one environment to another. (not built yet)"""
    options = build_options(ctx, **given)

    def action() -> int:
        raise ConfigError("'reconcile promote' is not built yet", hint="see the README for what works")

    guarded(action, verbose=options.verbose)
