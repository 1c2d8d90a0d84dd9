"""actionlint and zizmor (offline), as .ci/run runs them, for tests that lint workflows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def lint(folder: Path, *files: str) -> str:
    """The findings of both linters for ``files`` under ``folder``; empty when both are clean."""
    tools = Path(sys.executable).parent  # the venv may not be on PATH (pytest by full path)
    out = []
    for command in (
        [str(tools / "actionlint"), *(f for f in files if "/workflows/" in f)],
        [str(tools / "zizmor"), "--offline", "--no-progress", *files],
    ):
        done = subprocess.run(
            command, check=False, cwd=folder, capture_output=True, text=True, timeout=60
        )
        if done.returncode != 0:
            out.append(f"{command[0]} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return "\n".join(out)
