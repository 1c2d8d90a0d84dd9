"""Where a report comes from: the commit it was computed on, the CI run, the time.

A reviewer reading a pull-request comment must know which commit the plan describes (a later
push makes it stale) and be able to open the run that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Stamp:
    at: datetime
    commit: str | None = None
    run_url: str | None = None

    def markdown(self) -> str:
        parts = [f"commit `{self.commit[:12]}`" if self.commit else "uncommitted tree"]
        if self.run_url:
            parts.append(f"[run]({self.run_url})")
        parts.append(self.at.strftime("%Y-%m-%d %H:%M:%S UTC"))
        return "<sub>" + " · ".join(parts) + "</sub>"
