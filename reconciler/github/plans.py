"""The saved plan reviewed for a commit: the plan workflow's artifact, found again at apply.

The plan job uploads each environment's saved plan as ``reconcile-plan-<env>-<commit>``, the
commit being the pull request's head (or, in a merge queue, the commit that lands on main). On
merge the apply job looks for the plan of the commit it applies (a merge queue's), then for the
heads of the pull requests GitHub associates with that commit, newest artifact first, expired
ones skipped. Nothing found is an answer too: the apply then plans afresh, as before.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from reconciler.github.client import GitHubClient
from reconciler.structs.errors import ConfigError


def artifact_name(env: str, commit: str) -> str:
    """The name the plan workflow gives the saved plan of ``env`` at ``commit``."""
    return f"reconcile-plan-{env}-{commit}"


@dataclass(frozen=True)
class ReviewedPlan:
    """A saved plan found for a commit, and where it was reviewed."""

    text: bytes
    commit: str
    pull_request: int | None


def find_reviewed_plan(client: GitHubClient, *, env: str, commit: str) -> ReviewedPlan | None:
    """The newest unexpired saved plan of ``env`` for ``commit`` or its pull request's head."""
    pulls = client.call("GET", f"/commits/{commit}/pulls", what=f"the pull requests of {commit}")
    candidates = [(commit, None)] + [(p["head"]["sha"], int(p["number"])) for p in pulls or []]
    first_pull = next((n for _, n in candidates if n is not None), None)
    for head, number in candidates:
        name = artifact_name(env, head)
        found = client.call(
            "GET", "/actions/artifacts", params={"name": name}, what=f"the artifact {name}"
        )
        live = [a for a in (found or {}).get("artifacts", []) if not a.get("expired")]
        if live:
            data = client.download(
                f"/actions/artifacts/{live[0]['id']}/zip", what=f"the artifact {name}"
            )
            return ReviewedPlan(_the_json(data, name), head, number or first_pull)
    return None


def _the_json(archive: bytes, name: str) -> bytes:
    """The one JSON file an artifact zip holds."""
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
            members = [m for m in zipped.namelist() if m.endswith(".json")]
            if len(members) == 1:
                return zipped.read(members[0])
    except zipfile.BadZipFile:
        pass
    raise ConfigError(
        f"the artifact {name} is not one saved plan (a zip holding one .json file)",
        hint="re-run the pull request's plan check to save the plan again",
    )
