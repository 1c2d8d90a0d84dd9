"""`reconcile validate`: offline checks of manifests and environments."""

from __future__ import annotations

from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import build_options, common_options
from reconciler.structs.errors import ConfigError


@click.command("validate")
@common_options
@click.pass_context
def validate(ctx: click.Context, **given: Any) -> None:
    """offline checks of manifests and environments. (not built yet)"""
    options = build_options(ctx, **given)

    def action() -> int:
        raise ConfigError("'reconcile validate' is not built yet", hint="see the README for what works")

    guarded(action, verbose=options.verbose)
