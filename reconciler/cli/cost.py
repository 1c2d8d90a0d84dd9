"""`reconcile cost`: projected monthly cost per model and in total."""

from __future__ import annotations

from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import build_options, common_options
from reconciler.structs.errors import ConfigError


@click.command("cost")
@common_options
@click.pass_context
def cost(ctx: click.Context, **given: Any) -> None:
    """projected monthly cost per model and in total. (not built yet)"""
    options = build_options(ctx, **given)

    def action() -> int:
        raise ConfigError("'reconcile cost' is not built yet", hint="see the README for what works")

    guarded(action, verbose=options.verbose)
