"""Build the ``Stamp`` of a report from the config repository and the CI environment."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from reconciler.gitops.repo import head_commit
from reconciler.structs.stamp import Stamp


def stamp_for(root: Path, environ: Mapping[str, str], *, now: datetime | None = None) -> Stamp:
    """The commit of ``root``, the Actions run link (when GitHub sets its variables), the time."""
    keys = ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    server, repository, run_id = (environ.get(k, "") for k in keys)
    found = server and repository and run_id
    run_url = f"{server}/{repository}/actions/runs/{run_id}" if found else None
    return Stamp(at=now or datetime.now(UTC), commit=head_commit(root), run_url=run_url)
