"""`reconcile invoke`: guarded invocation of one endpoint."""

from __future__ import annotations

from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import build_options, common_options
from reconciler.structs.errors import ConfigError


@click.command("invoke")
@common_options
@click.pass_context
def invoke(ctx: click.Context, **given: Any) -> None:
    """guarded invocation of one endpoint. (not built yet)"""
    options = build_options(ctx, **given)

    def action() -> int:
        raise ConfigError("'reconcile invoke' is not built yet", hint="see the README for what works")

    guarded(action, verbose=options.verbose)
