"""`reconcile sandbox`: run the Gateway API emulator on loopback."""

from __future__ import annotations

from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import build_options, common_options
from reconciler.structs.errors import ConfigError


@click.command("sandbox")
@common_options
@click.pass_context
def sandbox(ctx: click.Context, **given: Any) -> None:
    """run the Gateway API emulator on loopback. (not built yet)"""
    options = build_options(ctx, **given)

    def action() -> int:
        raise ConfigError("'reconcile sandbox' is not built yet", hint="see the README for what works")

    guarded(action, verbose=options.verbose)
