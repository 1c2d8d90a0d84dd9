"""Exit codes of CONTRACT section 4 and the errors that map onto them.

Every expected failure is a ``ReconcileError`` carrying its exit code, so the CLI has a single
error boundary: it prints ``message`` (and ``hint``, which tells the user what to do) and exits
with ``exit_code``. Anything else is a bug and is reported as "an unexpected error".
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    """Exit statuses users' CI scripts depend on (CONTRACT section 4)."""

    OK = 0
    INVALID = 1
    CHANGES_PENDING = 2
    INCOMPLETE = 3
    BLOCKED = 4
    UNREACHABLE = 5
    INTERRUPTED = 130


class ReconcileError(Exception):
    """An expected failure: a short message for the user and the exit code it maps to."""

    exit_code: ExitCode = ExitCode.INVALID
    error_code: str | None = None  # the ``error.code`` of the JSON document; None: by exit code

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        """One line (two with a hint) that a person can act on."""
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message

    @property
    def failure_code(self) -> str:
        """A stable word a script can branch on (``stale-plan``, ``unreachable``...)."""
        return self.error_code or ERROR_CODES.get(self.exit_code, "error")

    def details(self) -> dict[str, Any]:
        """Keys the JSON failure document carries beside ``error`` (``problems``...)."""
        return {}


ERROR_CODES = {
    ExitCode.INVALID: "invalid",
    ExitCode.INCOMPLETE: "incomplete",
    ExitCode.BLOCKED: "blocked",
    ExitCode.UNREACHABLE: "unreachable",
    ExitCode.INTERRUPTED: "interrupted",
}


class ConfigError(ReconcileError):
    """Invalid input or configuration; nothing was changed."""

    exit_code = ExitCode.INVALID


class ApiUnavailable(ReconcileError):
    """The API could not be reached or refused our credentials; nothing was changed."""

    exit_code = ExitCode.UNREACHABLE


class EnvironmentLocked(ReconcileError):
    """Another run holds the environment's lock; nothing was changed.

    Exit 5 rather than 1: both promise that nothing changed, but 1 tells the caller its input
    is wrong (a rerun fails again until it is fixed), while 5 says the target cannot be worked
    on right now and a later rerun may succeed, which is what a busy environment means.
    """

    exit_code = ExitCode.UNREACHABLE
    error_code = "locked"
