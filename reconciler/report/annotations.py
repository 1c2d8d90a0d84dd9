"""Validation problems where CI shows them: GitHub annotations and SARIF for code scanning.

``github`` prints one workflow command per problem (``::error file=F,line=L,title=RULE::MSG``),
which GitHub turns into an annotation on that line of the pull request's diff; ``sarif`` prints
a SARIF 2.1.0 log that ``github/codeql-action/upload-sarif`` (or any SARIF viewer) reads.
Escaping follows the Actions toolkit (``@actions/core`` ``command.ts``): ``%``, CR and LF in a
message; those and ``:`` and ``,`` in a property.
"""

from __future__ import annotations

from typing import Any

from reconciler import __version__
from reconciler.report.validation import ValidationReport
from reconciler.structs.problems import Problem, Severity
from reconciler.structs.redaction import redact, redacted_json

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(report: ValidationReport) -> str:
    """One ``::error``/``::warning`` line per problem, then nothing else (the summary would be
    a stray line in the log; the exit code says whether validation failed)."""
    return "".join(_annotation(p) + "\n" for p in report.problems)


def _annotation(problem: Problem) -> str:
    # Redacted before escaping: a secret's '%' becomes '%25' and would slip past the stream.
    props = [f"file={escape_property(redact(problem.file))}"]
    if problem.line:
        props.append(f"line={problem.line}")
    props.append(f"title={escape_property(problem.rule)}")
    return f"::{LEVELS[problem.severity]} {','.join(props)}::{escape_data(_message(problem))}"


def _message(problem: Problem) -> str:
    text = f"{problem.message} (fix: {problem.fix})" if problem.fix else problem.message
    return redact(text)


def failure(message: str, fmt: str) -> str:
    """What ``validate`` prints in ``fmt`` (github or sarif) when it could not check at all
    (an unknown environment, an unreadable root): CI reads this, never an empty file."""
    if fmt == "github":
        return f"::error::{escape_data(redact(message))}\n"
    notification = {"level": "error", "message": {"text": message}}
    invocation = {"executionSuccessful": False, "toolExecutionNotifications": [notification]}
    run = {"tool": _tool([]), "invocations": [invocation], "results": []}
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return redacted_json(log, indent=2) + "\n"


def _tool(rules: list[str]) -> dict[str, Any]:
    return {
        "driver": {
            "name": "reconcile",
            "version": __version__,
            "rules": [{"id": r, "shortDescription": {"text": r}} for r in rules],
        }
    }


def sarif_log(report: ValidationReport) -> str:
    rules = sorted({p.rule for p in report.problems})
    index = {rule: i for i, rule in enumerate(rules)}
    run = {"tool": _tool(rules), "results": [_result(p, index[p.rule]) for p in report.problems]}
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return redacted_json(log, indent=2) + "\n"


def _result(problem: Problem, rule_index: int) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": problem.file}}
    if problem.line:
        location["region"] = {"startLine": problem.line}
    return {
        "ruleId": problem.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[problem.severity],
        "message": {"text": _message(problem)},
        "locations": [{"physicalLocation": location}],
    }
