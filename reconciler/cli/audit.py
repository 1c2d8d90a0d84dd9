"""`reconcile audit verify`: check the audit log's hash chain."""

from __future__ import annotations

from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import build_options, common_options
from reconciler.structs.errors import ConfigError


@click.group("audit")
def audit() -> None:
    """Audit log commands."""


@audit.command("verify")
@click.option("--env", "env", metavar="ENV", default=None)
@common_options
@click.pass_context
def verify(ctx: click.Context, env: str | None, **given: Any) -> None:
    """Check the audit log's hash chain (not built yet)."""
    options = build_options(ctx, **given)

    def action() -> int:
        raise ConfigError("'reconcile audit verify' is not built yet")

    guarded(action, verbose=options.verbose)
