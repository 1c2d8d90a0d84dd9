"""The main job: ``reconcile --env ENV [--dry-run]``."""

from __future__ import annotations

from reconciler.cli.options import CommonOptions
from reconciler.structs.errors import ConfigError


def run_main_job(env: str, *, dry_run: bool, options: CommonOptions) -> int:
    raise ConfigError("the main job is not built yet")
