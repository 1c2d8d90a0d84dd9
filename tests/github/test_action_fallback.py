"""The action's comment when reconcile could not run: its error in a code block nothing closes.

The error quotes manifests and the Gateway. With a fixed ``` fence, an error holding a line of
three backticks ended the block, and what followed (``</details>``, an ``<img onerror>``, an
``@mention``) rendered in the bot's comment. The step's own script runs here, under bash as
a runner runs it, with a ``reconcile`` on PATH that fails with such an error.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.github.actions_runner import load

ACTION = Path(__file__).resolve().parents[2] / "action.yml"
HOSTILE = "error: model 'x\n````\n</details><img src=x onerror=alert(1)>\n@octocat #1\n```\n'"


def _run_step(tmp_path: Path, stderr: str) -> str:
    script = next(s for s in load(ACTION)["runs"]["steps"] if s.get("id") == "run")["run"]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (tmp_path / "err.txt").write_text(stderr)
    fake = bin_dir / "reconcile"
    fake.write_text(f"#!/bin/sh\ncat {tmp_path / 'err.txt'} >&2\nexit 1\n")
    fake.chmod(0o755)
    output = tmp_path / "output"
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_OUTPUT": str(output),
        "COMMAND": "validate",
        "ENV_NAME": "dev",
        "ARGS": "",
        "PLAN": "",
    }
    subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        env=env,
        check=True,
        capture_output=True,
        timeout=30,
    )
    path = re.search(r"^markdown=(.*)$", output.read_text(), re.MULTILINE)
    assert path is not None
    return Path(path.group(1)).read_text()


def _code_block(markdown: str) -> tuple[list[str], list[str]]:
    """The lines of the first fenced block and the lines after it, by CommonMark's rule: the
    block ends at a line of at least as many backticks as its opening fence, and nothing else."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("```"))
    fence = re.match(r"`+", lines[start])
    assert fence is not None
    for end in range(start + 1, len(lines)):
        closing = re.fullmatch(r" {0,3}(`+)\s*", lines[end])
        if closing and len(closing.group(1)) >= len(fence.group()):
            return lines[start + 1 : end], lines[end + 1 :]
    return lines[start + 1 :], []


@pytest.mark.parametrize("stderr", [HOSTILE, HOSTILE.rstrip("'\n"), "error: plain\n"])
def test_the_error_stays_inside_its_code_block(tmp_path: Path, stderr: str) -> None:
    markdown = _run_step(tmp_path, stderr)
    inside, after = _code_block(markdown)
    assert "\n".join(inside) == stderr.rstrip("\n")
    assert after == []
