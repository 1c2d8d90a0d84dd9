"""The CLI error boundary and exit codes, run the way a user runs the command."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Callable

import click
import pytest

from reconciler.cli.boundary import guarded
from reconciler.structs.errors import ConfigError, ExitCode


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


def _fails(*, printed: str | None) -> Callable[[], int]:
    def action() -> int:
        if printed is not None:
            click.echo(printed)
        raise ConfigError("recording failed", hint="look at the lock")

    return action


def test_json_failures_print_one_document(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        guarded(_fails(printed=None), fmt="json")
    assert exited.value.code == ExitCode.INVALID
    doc = json.loads(capsys.readouterr().out)
    assert doc == {
        "formatVersion": 1,
        "error": {
            "code": "invalid",
            "message": "recording failed\n  hint: look at the lock",
            "exitCode": 1,
        },
    }
    # A command that already printed its document (a plan, then a failed record) keeps it
    # as the one answer rather than printing a second document after it.
    with pytest.raises(SystemExit):
        guarded(_fails(printed='{"formatVersion": 1}'), fmt="json")
    assert json.loads(capsys.readouterr().out) == {"formatVersion": 1}
    with pytest.raises(SystemExit):
        guarded(_fails(printed=None), fmt="text")
    assert capsys.readouterr().out == ""
