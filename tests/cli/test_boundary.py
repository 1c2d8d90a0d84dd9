"""The CLI error boundary and exit codes, run the way a user runs the command."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from reconciler.structs.errors import ExitCode


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reconciler", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_exit_codes_match_the_contract() -> None:
    assert {c.name: int(c) for c in ExitCode} == {
        "OK": 0,
        "INVALID": 1,
        "CHANGES_PENDING": 2,
        "INCOMPLETE": 3,
        "BLOCKED": 4,
        "UNREACHABLE": 5,
        "INTERRUPTED": 130,
    }


def test_help_lists_every_contract_command() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("validate", "drift", "import", "promote", "audit", "invoke", "cost", "sandbox"):
        assert command in result.stdout
    assert "--dry-run" in result.stdout and "--env" in result.stdout


def test_network_guard_refuses_non_loopback() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(RuntimeError, match="non-loopback"):
        sock.connect(("192.0.2.1", 80))
    sock.close()


def test_usage_errors_exit_1_never_2() -> None:
    """Click would exit 2, which CONTRACT section 4 reserves for "changes pending"."""
    for args in (["nosuch"], ["--format", "xml", "--env", "x"], ["drift"]):
        result = run_cli(*args)
        assert result.returncode == ExitCode.INVALID, args
        assert "Error:" in result.stderr
