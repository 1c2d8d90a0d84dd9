"""Validation findings: collected in full, then reported together.

A ``Problem`` always names the file and, where known, the line, the rule that was broken and
how to fix it, because the user reading it is looking at a YAML file in an editor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from reconciler.structs.display import visible
from reconciler.structs.errors import ConfigError


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One finding of validation, located in a file."""

    severity: Severity
    file: str
    line: int | None
    rule: str
    message: str
    fix: str | None = None
    path: str | None = None  # the dotted field (``spec.credentials.apiKey``), when known

    def __post_init__(self) -> None:
        # One line each, whatever a rule quoted: a newline in a value or a file name would
        # start a line of its own in a terminal, a CI log or the action's fenced comment, and
        # "##[error]" in a key or a file name is a workflow command on any line of a CI log.
        for name in ("file", "message", "fix", "path"):
            text = getattr(self, name)
            if text is not None:
                object.__setattr__(self, name, visible(text))

    def render(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.severity.value} [{self.rule}] {self.message}"
        return f"{text} (fix: {self.fix})" if self.fix else text

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity.value,
            "file": self.file,
            "line": self.line,
            "rule": self.rule,
            "message": self.message,
            "fix": self.fix,
        }


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.ERROR]


class ValidationFailed(ConfigError):
    """Raised when any error was found; carries every problem, warnings included."""

    error_code = "validation-failed"

    def __init__(self, problems: list[Problem]) -> None:
        errors = errors_in(problems)
        lines = [p.render() for p in errors]
        super().__init__(
            f"{len(errors)} validation error(s):\n" + "\n".join(lines),
            hint="fix the manifests above; nothing was changed",
        )
        self.problems = problems

    def details(self) -> dict[str, Any]:
        return {"problems": [p.as_dict() for p in self.problems]}
