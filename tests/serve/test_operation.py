"""What a long-running service needs: logs that cannot flood, a file limit that holds."""

from __future__ import annotations

import logging
import resource
import subprocess
import sys
from pathlib import Path

from reconciler.serve.logs import Throttle
from tests.fixtures_engine import ConfigRepo

SERVE = (sys.executable, "-m", "reconciler", "serve", "--sandbox", "--port", "0")


def _record(message: str, *, traceback: bool = False) -> logging.LogRecord:
    info = None
    if traceback:
        try:
            raise OSError(24, "Too many open files")
        except OSError:
            info = sys.exc_info()
    return logging.LogRecord("asyncio", logging.ERROR, __file__, 1, message, None, info)


def test_a_flood_of_one_warning_is_throttled_to_a_few_a_minute() -> None:
    clock = [1000.0]
    throttle = Throttle(per_minute=5, monotonic=lambda: clock[0])
    flood = "socket.accept() out of system resource"
    passed = [r for _ in range(1000) if throttle.filter(r := _record(flood, traceback=True))]
    assert len(passed) == 5
    assert passed[0].exc_info is not None
    assert all(r.exc_info is None for r in passed[1:])
    assert throttle.filter(_record("another message"))
    clock[0] += 61
    later = _record(flood)
    assert throttle.filter(later) and "995 like it held back" in later.getMessage()


def _low_file_limit() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (512, 512))


def test_serve_refuses_more_connections_than_its_file_limit_can_hold(
    served_repo: ConfigRepo, tmp_path: Path
) -> None:
    done = subprocess.run(
        [*SERVE, "--root", str(served_repo.root), "--max-connections", "1000"],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_low_file_limit,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "--max-connections 1000 needs about 1256 file descriptors" in done.stderr
    assert "ulimit -n" in done.stderr and "Traceback" not in done.stderr
