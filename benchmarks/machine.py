"""How fast this machine runs Python, printed beside a benchmark's figures.

The targets are CPU seconds on a 2-core machine, but two machines of one kind can differ
threefold: on 2026-12-02 one session's machine started ``python -c pass`` in 0.12 s of CPU,
where the figures the targets were set from imply 0.04 s. These two readings tell a change in
the code from a change of machine when figures from different days are compared.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time

LOOP_STEPS = 2_000_000


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def startup_cpu(runs: int = 5) -> float:
    """Median CPU seconds of ``python -c pass`` (user + system of the child)."""
    samples = []
    for _ in range(runs):
        before = _child_cpu()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        samples.append(_child_cpu() - before)
    return statistics.median(samples)


def loop_cpu(runs: int = 3) -> float:
    """Median CPU seconds of a fixed pure-Python loop in this process."""
    samples = []
    for _ in range(runs):
        started = time.process_time()
        total = 0
        for step in range(LOOP_STEPS):
            total += step
        samples.append(time.process_time() - started)
    return statistics.median(samples)


def describe() -> str:
    """One line for a benchmark's header."""
    return (
        f"machine: `python -c pass` {startup_cpu():.3f} s CPU, a {LOOP_STEPS:,}-step loop"
        f" {loop_cpu():.3f} s (medians)"
    )


if __name__ == "__main__":
    print(describe())
