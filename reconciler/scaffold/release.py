"""Which commit a release tag of reconcile is, so the scaffold can pin by commit.

A config repository pins reconcile's reusable workflows by commit with the tag in a comment
(a tag can be moved; a commit cannot), so ``init`` needs the commit of ``v<version>`` in the
repository the team takes reconcile from. Given ``--tool-commit`` it uses that; otherwise it
asks that repository with ``git ls-remote`` (the peeled commit of an annotated tag). Offline,
or for a tag that is not there, it stops with the command that finds the commit by hand.
"""

from __future__ import annotations

import re

from reconciler.gitops.git import ls_remote
from reconciler.structs.errors import ConfigError

_COMMIT = re.compile(r"[0-9a-f]{40}")
SERVER = "https://github.com"


def release_commit(repo: str, version: str, *, given: str = "") -> str:
    """The 40-hex commit of tag ``v<version>`` in ``repo`` (``given`` when given)."""
    if given:
        if not _COMMIT.fullmatch(given):
            raise ConfigError(
                f"--tool-commit {given!r} is not a full commit id",
                hint="give the 40 hex digits, as `git ls-remote` prints them",
            )
        return given
    tag = f"refs/tags/v{version}"
    url = f"{SERVER}/{repo}"
    found = ls_remote(url, tag, f"{tag}^{{}}") or {}
    commit = found.get(f"{tag}^{{}}") or found.get(tag, "")
    if not _COMMIT.fullmatch(commit):
        raise ConfigError(
            f"could not find the commit of v{version} in {url}",
            hint=(
                f"pass --tool-commit with the commit the tag names (`git ls-remote {url} "
                f"v{version}`), or --tool-version with a release that {repo} has"
            ),
        )
    return commit
