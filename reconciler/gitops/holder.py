"""Who holds an environment's lock: written into the lock file and the remote lease.

The same record serves the loser's error message ("held by ... since ..."), the takeover of an
expired lease, and the MODEL_RECOVERED entries of the next run, which name the run that held
the lock and never released it (a kill -9 leaves exactly that behind).
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class Holder:
    """One run's claim on an environment."""

    holder: str  # actor@host pid N
    run: str  # the run id (the audit entries' run id)
    link: str | None  # the CI run's web page, when there is one
    acquired: float  # epoch seconds
    expires: float | None = None  # epoch seconds; a lease lapses, a file lock does not

    @classmethod
    def for_run(cls, *, actor: str, run: str, environ: Mapping[str, str]) -> Holder:
        where = f"{actor}@{socket.gethostname()} pid {os.getpid()}"
        return cls(holder=where, run=run, link=run_link(environ), acquired=time.time())

    def renewed(self, *, ttl: float, now: float) -> Holder:
        return replace(self, expires=now + ttl)

    def expired(self, now: float) -> bool:
        return self.expires is not None and now >= self.expires

    def describe(self) -> str:
        since = _iso(self.acquired)
        link = f" ({self.link})" if self.link else ""
        until = f", lease until {_iso(self.expires)}" if self.expires is not None else ""
        return f"run {self.run} by {self.holder}{link} since {since}{until}"

    def to_text(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


def parse_holder(text: str) -> Holder | None:
    """The holder written in ``text``; None for an empty or unreadable record."""
    try:
        data: Any = json.loads(text)
        return Holder(
            holder=str(data["holder"]),
            run=str(data["run"]),
            link=data.get("link"),
            acquired=float(data["acquired"]),
            expires=None if data.get("expires") is None else float(data["expires"]),
        )
    except (ValueError, TypeError, KeyError):
        return None


def run_link(environ: Mapping[str, str]) -> str | None:
    """The GitHub Actions run page, from the variables every Actions job has."""
    server, repo, run = (
        environ.get("GITHUB_SERVER_URL"),
        environ.get("GITHUB_REPOSITORY"),
        environ.get("GITHUB_RUN_ID"),
    )
    return f"{server}/{repo}/actions/runs/{run}" if server and repo and run else None


def _iso(epoch: float | None) -> str:
    if epoch is None:
        return "?"
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
