"""What a child process's kernel status says about its signals, for failure messages.

Two tests that stop a child with SIGTERM or SIGINT failed together twice in 2,000-test runs
of fresh clones (the child neither stopped nor exited 130) and never alone; their messages
now carry the child's state and its blocked, ignored and caught signals at the moment the
signal was sent, so the next failure says whether the child was stopped or deaf to it.
"""

from __future__ import annotations

from pathlib import Path

_FIELDS = ("State", "SigBlk", "SigIgn", "SigCgt")


def signal_status(pid: int) -> str:
    """``State: S (sleeping); SigBlk: ...; SigIgn: ...; SigCgt: ...`` (Linux), or why not."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError as exc:
        return f"no status for {pid}: {exc.strerror}"
    found = dict(line.split(":\t", 1) for line in lines if ":\t" in line)
    return "; ".join(f"{name}: {found.get(name, '?').strip()}" for name in _FIELDS)
