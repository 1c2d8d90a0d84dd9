"""The live progress view as a real terminal shows it: tmux at 60 columns, one failing model.

Rows longer than the terminal used to wrap, the redraw moved up fewer lines than were drawn,
and every redraw left stray copies of the block behind. tmux renders the escape sequences the
way a terminal does; the captured screen must hold the block exactly once.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler.sandbox import SystemClock
from tests.fixtures_engine import ENV, ConfigRepo

WIDTH = 60
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Callable[..., str]]:
    socket = f"reconcile-test-{tmp_path.name}"

    def run_in_terminal(script: Path, *, timeout: float = 40.0) -> str:
        base = ["tmux", "-L", socket, "-f", "/dev/null"]
        subprocess.run(
            [*base, "new-session", "-d", "-x", str(WIDTH), "-y", "50", f"sh {script}"],
            check=True,
        )
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = subprocess.run(
                [*base, "capture-pane", "-p"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout
            if "__DONE__" in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"the apply did not finish in the terminal:\n{screen}")

    yield run_in_terminal
    subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, check=False)


def test_the_progress_view_at_60_columns_with_a_failing_model_leaves_no_stray_lines(
    tmux: Callable[..., str],
    sandbox_factory: Callable[..., Any],
    make_config_repo: Callable[[str], ConfigRepo],
    tmp_path: Path,
) -> None:
    server = sandbox_factory(clock=SystemClock(), provision_seconds=(0.5, 0.8))
    repo = make_config_repo(server.base_url)
    repo.write_model("good-model")
    repo.write_model("bad-key-model", credentials={"apiKey": "${BAD_KEY}"})
    environ = {**repo.environ, "BAD_KEY": "not-an-openai-key-1234567890"}
    exports = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in environ.items())
    command = [sys.executable, "-m", "reconciler", "--env", ENV, "--yes", "--root", str(repo.root)]
    script = tmp_path / "apply.sh"
    script.write_text(
        f"{exports}cd {shlex.quote(str(tmp_path))}\n{shlex.join(command)}\necho __DONE__ $?\n"
        "sleep 60\n"
    )
    screen = tmux(script)
    lines = screen.splitlines()
    assert "__DONE__ 3" in screen, screen  # one model failed: apply incomplete
    counters = [line for line in lines if "done," in line and "failed" in line]
    assert len(counters) == 1 and counters[0].endswith("2/2 done, 1 failed"), screen
    assert len([line for line in lines if line.startswith("  ✓ good-model")]) == 1, screen
    failing = [line for line in lines if line.startswith("  ✗ bad-key-model")]
    assert len(failing) == 1 and failing[0].endswith("…"), screen
    block = lines.index(counters[0])
    assert lines[block + 1].startswith("  ") and lines[block + 2].startswith("  ")
    assert lines[block + 3].startswith("Apply of 'staging'"), screen
