"""How long a run waits for an environment's lock, and how long a remote lease lives unrenewed.

Apart from ``lock`` (which brings git with it) so that what only needs the figures, a dry run's
options and request, can read them without importing git.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reconciler.structs.errors import ConfigError

DEFAULT_TIMEOUT = 300.0
DEFAULT_TTL = 120.0
# The git remote that --push pushes to and holds the lease on, unless --remote names another.
DEFAULT_REMOTE = "origin"


@dataclass(frozen=True)
class LockSettings:
    """How long to wait for the lock, how long a lease lives unrenewed, whether to use one,
    and whether the run is against the sandbox: the emulator's runs take a lock of their own,
    so a sandbox run that died holding it is never reported as the Gateway's interrupted run,
    and a sandbox run never keeps a real one waiting."""

    timeout: float = DEFAULT_TIMEOUT
    ttl: float = DEFAULT_TTL
    remote: bool = False
    sandbox: bool = False
    remote_name: str = DEFAULT_REMOTE  # the git remote that holds the lease (with ``remote``)


TTL_VARIABLE = "RECONCILE_LOCK_TTL"


def lock_ttl(environ: Mapping[str, str]) -> float:
    """``RECONCILE_LOCK_TTL``: how long a remote lease lives without renewal (seconds); the
    default when unset. A service's apply jobs read it from the service's environment."""
    raw = environ.get(TTL_VARIABLE, "")
    try:
        ttl = float(raw) if raw else DEFAULT_TTL
    except ValueError:
        ttl = -1.0
    if not 0 < ttl < float("inf"):
        raise ConfigError(
            f"{TTL_VARIABLE}={raw!r} is not a positive number of seconds",
            hint=f"unset it for the default of {DEFAULT_TTL:.0f}s",
        )
    return ttl
