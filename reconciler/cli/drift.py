"""`reconcile drift`: desired vs live vs last snapshot."""

from __future__ import annotations

from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import build_options, common_options
from reconciler.structs.errors import ConfigError


@click.command("drift")
@common_options
@click.pass_context
def drift(ctx: click.Context, **given: Any) -> None:
    """desired vs live vs last snapshot. (not built yet)"""
    options = build_options(ctx, **given)

    def action() -> int:
        raise ConfigError("'reconcile drift' is not built yet", hint="see the README for what works")

    guarded(action, verbose=options.verbose)
