"""Servers the benchmarks start as users do: ``reconcile sandbox`` or ``reconcile serve`` in a
process of their own, so the measured process holds only what it would hold in real use."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO


@contextmanager
def process(*args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Start ``reconcile ARGS`` and yield the base URL it prints first."""
    with started(*args, env=env) as (url, _proc):
        yield url


@contextmanager
def started(
    *args: str, env: dict[str, str] | None = None, stderr: IO[bytes] | None = None
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``process``, also yielding the process (a soak samples its memory and descriptors);
    its stderr goes to ``stderr`` when given (a soak measures its log), else nowhere."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "reconciler", *args],
        stdout=subprocess.PIPE,
        stderr=stderr if stderr is not None else subprocess.DEVNULL,
        text=True,
        env={**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url.startswith("http"):
            raise SystemExit(f"reconcile {args[0]} did not start")
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
