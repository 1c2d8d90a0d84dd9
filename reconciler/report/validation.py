"""``reconcile validate``: every problem found, then the verdict, as text, JSON and markdown."""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.report.markdown import code, text
from reconciler.structs.problems import Problem, Severity, errors_in
from reconciler.structs.redaction import redacted_json


@dataclass(frozen=True)
class ValidationReport:
    problems: list[Problem]
    checked: list[str]
    valid: bool

    def summary(self) -> str:
        errors = len(errors_in(self.problems))
        warnings = sum(p.severity is Severity.WARNING for p in self.problems)
        verdict = "valid" if self.valid else "invalid"
        return (
            f"{verdict}: {errors} error(s), {warnings} warning(s) in "
            f"{len(self.checked)} environment(s) ({', '.join(self.checked)})"
        )


def validation_text(report: ValidationReport) -> str:
    lines = [p.render() for p in report.problems]
    return "\n".join([*lines, report.summary()]) + "\n"


def validation_json(report: ValidationReport) -> str:
    body = {
        "formatVersion": 1,
        "valid": report.valid,
        "environments": report.checked,
        "problems": [p.as_dict() for p in report.problems],
    }
    return redacted_json(body, indent=2) + "\n"


def validation_markdown(report: ValidationReport) -> str:
    lines = [f"**reconcile validate**: {text(report.summary())}", ""]
    for p in report.problems:
        where = f"{p.file}:{p.line}" if p.line else p.file
        fix = f" (fix: {text(p.fix)})" if p.fix else ""
        lines.append(
            f"- {p.severity.value} {code(where, table=False)} [{p.rule}] {text(p.message)}{fix}"
        )
    return "\n".join(lines) + "\n"
