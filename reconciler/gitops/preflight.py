"""Check, before any change, that ``--commit`` and ``--push`` will be able to do their job.

Finding out after an apply that the folder is not a git repository, or has no remote, would
leave live changes recorded only on disk; better to refuse up front with nothing changed.
"""

from __future__ import annotations

from pathlib import Path

from reconciler.gitops.git import require
from reconciler.structs.errors import ConfigError


def check_writeback(root: Path, *, push: bool, remote: str = "origin") -> None:
    """Raise ConfigError unless state can be committed (and pushed) from ``root``."""
    repo = require(root)
    if not push:
        return
    remotes = repo.remotes()
    if remote not in remotes:
        raise ConfigError(
            f"--push needs a git remote named '{remote}'; this repository has "
            f"{', '.join(remotes) or 'none'}",
            hint=f"git remote add {remote} URL, or drop --push",
        )
    if repo.branch() is None:
        raise ConfigError(
            "--push needs a checked-out branch; HEAD is detached",
            hint="check out the branch to push to (in CI: actions/checkout with ref)",
        )
