"""A git merge driver for state files, so every rebased commit is merged by ``merge.resolve``.

Git only reports a conflict when two edits touch neighbouring lines; a rebase of several
commits can merge ``audit.jsonl`` or ``snapshot.json`` "cleanly" and still break the chain or
repeat a serial. Registered for ``state/*/audit.jsonl`` and ``state/*/snapshot.json`` during
our rebase only (``driver_environment``: a temporary attributes file and ``GIT_CONFIG_*``
variables, nothing written to the user's config), it runs whenever both sides changed a
state file. Git calls it as ``driver BASE CURRENT OTHER PATH``; in a rebase CURRENT is the
branch being rebased onto and OTHER our commit being replayed. Exit 0 with the result
written to CURRENT, or 1 to leave a conflict.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path

from reconciler.gitops.merge import resolve
from reconciler.structs.errors import ReconcileError
from reconciler.structs.paths import RECORD_FILES

_NAME = "reconcile-state"
ATTRIBUTES = "".join(f"**/state/*/{name} merge={_NAME}\n" for name in RECORD_FILES)


def driver_environment(
    attributes_file: Path, *, environ: Mapping[str, str] = os.environ
) -> dict[str, str]:
    """Environment variables that enable the driver for one git command. They follow any
    ``GIT_CONFIG_KEY_<n>`` the caller already sets (CI may trust a checkout that way:
    ``safe.directory``), rather than replace them."""
    attributes_file.write_text(ATTRIBUTES, encoding="utf-8")
    command = f"{shlex.quote(sys.executable)} -m reconciler.gitops.mergedriver %O %A %B %P"
    settings = {
        "core.attributesFile": str(attributes_file),
        f"merge.{_NAME}.driver": command,
        f"merge.{_NAME}.name": "reconcile state files",
    }
    given = environ.get("GIT_CONFIG_COUNT", "")
    start = int(given) if given.isdigit() else 0
    env = {"GIT_CONFIG_COUNT": str(start + len(settings))}
    for number, (key, value) in enumerate(settings.items(), start):
        env[f"GIT_CONFIG_KEY_{number}"] = key
        env[f"GIT_CONFIG_VALUE_{number}"] = value
    return env


def main(argv: list[str]) -> int:
    _base, current, other, path = argv
    try:
        text = resolve(
            path,
            upstream=Path(current).read_text(encoding="utf-8"),
            ours=Path(other).read_text(encoding="utf-8"),
        )
    except (OSError, ReconcileError, UnicodeDecodeError):
        return 1
    if text is None:
        return 1
    Path(current).write_text(text, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
