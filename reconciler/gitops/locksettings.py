"""How long a run waits for an environment's lock, and how long a remote lease lives unrenewed.

Apart from ``lock`` (which brings git with it) so that what only needs the figures, a dry run's
options and request, can read them without importing git.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_TIMEOUT = 300.0
DEFAULT_TTL = 120.0


@dataclass(frozen=True)
class LockSettings:
    """How long to wait for the lock, how long a lease lives unrenewed, whether to use one."""

    timeout: float = DEFAULT_TIMEOUT
    ttl: float = DEFAULT_TTL
    remote: bool = False
