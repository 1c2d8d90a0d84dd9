"""Child processes that a test stops with a signal: what they inherit, and what they had.

A shell starts a background job (``cmd &``, without job control) with SIGINT and SIGQUIT
ignored, every process under it inherits that, and a Python started with SIGINT ignored
installs no KeyboardInterrupt handler: the suite run that way had two tests fail whose
child is stopped with Ctrl-C (found on 2026-12-07 from the child's SigIgn, 0x...06).
``interruptible`` gives the children of a test the Ctrl-C a terminal gives, and
``signal_status`` puts a child's signal state in a failure message.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_FIELDS = ("State", "SigBlk", "SigIgn", "SigCgt")


@contextmanager
def interruptible() -> Iterator[None]:
    """Processes started inside do not inherit an ignored SIGINT: a handler in this process
    is reset to the default at exec, an ignored signal is not."""
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        if previous is signal.SIG_IGN:
            signal.signal(signal.SIGINT, previous)


def signal_status(pid: int) -> str:
    """``State: S (sleeping); SigBlk: ...; SigIgn: ...; SigCgt: ...`` (Linux), or why not."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError as exc:
        return f"no status for {pid}: {exc.strerror}"
    found = dict(line.split(":\t", 1) for line in lines if ":\t" in line)
    return "; ".join(f"{name}: {found.get(name, '?').strip()}" for name in _FIELDS)
