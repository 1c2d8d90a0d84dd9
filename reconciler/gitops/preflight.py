"""Check, before any change, that ``--commit`` and ``--push`` will be able to do their job.

Finding out after an apply that the folder is not a git repository, or has no remote, would
leave live changes recorded only on disk; better to refuse up front with nothing changed.
"""

from __future__ import annotations

from pathlib import Path

from reconciler.gitops.git import require
from reconciler.structs.errors import ConfigError


def check_writeback(root: Path, *, push: bool, remote: str) -> None:
    """Raise ConfigError unless state can be committed (and pushed to ``remote``) from
    ``root``. ``remote`` has no default: a caller that forgot it checked origin while the
    records went to the remote the user named."""
    repo = require(root)
    if not push:
        return
    remotes = repo.remotes()
    if remote not in remotes:
        other = _other_remote(remotes)
        raise ConfigError(
            f"--push needs a git remote named '{remote}'; this repository has "
            f"{', '.join(remotes) or 'none'}; nothing was changed",
            hint=f"git remote add {remote} URL, or {other}or drop --push",
        )
    if repo.branch() is None:
        raise ConfigError(
            "--push needs a checked-out branch; HEAD is detached",
            hint="check out the branch to push to (in CI: actions/checkout with ref)",
        )


def _other_remote(remotes: list[str]) -> str:
    """The hint's mention of ``--remote``, when there is a remote it could name."""
    if not remotes:
        return ""
    if len(remotes) == 1:
        return f"pass --remote {remotes[0]} if that is where records belong, "
    return f"pass --remote with the one records belong on ({', '.join(remotes)}), "
