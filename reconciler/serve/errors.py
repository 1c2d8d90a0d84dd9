"""The service's error answers: ``{"error": {"code", "message"}}`` with a fitting status.

Handlers raise ``ApiError``; the engine's ``ReconcileError`` is translated at one place
(``from_reconcile``) by its kind. Messages are the engine's own, which name no secret; a bug
becomes a bare 500 "internal" with no trace in the answer.
"""

from __future__ import annotations

from typing import Any

from reconciler.engine.jobs.invoke_job import NotActive, UnknownModel
from reconciler.structs.errors import ApiUnavailable, EnvironmentLocked, ReconcileError
from reconciler.structs.problems import Problem, ValidationFailed


class ApiError(Exception):
    """An answer other than success, raised anywhere below a route."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}
        self._body = body

    def body(self) -> dict[str, Any]:
        return self._body or {"error": {"code": self.code, "message": self.message}}


def problems_error(problems: list[Problem]) -> ApiError:
    """400 with the problem items of ``reconcile validate --format json``."""
    return ApiError(
        400,
        "invalid",
        "validation failed",
        body={"problems": [problem_item(p) for p in problems]},
    )


def problem_item(problem: Problem) -> dict[str, Any]:
    """A validation item: the CLI's fields plus ``path`` and ``hint`` (CONTRACT section 7)."""
    item = problem.as_dict()
    item["hint"] = problem.fix
    item["path"] = problem.path
    return item


def from_reconcile(exc: ReconcileError) -> ApiError:
    """The status an engine error stands for, with its message and hint."""
    text = exc.message + (f" ({exc.hint})" if exc.hint else "")
    if isinstance(exc, ValidationFailed):
        return problems_error(exc.problems)
    if isinstance(exc, UnknownModel):
        return ApiError(404, "not-found", text)
    if isinstance(exc, NotActive):
        return ApiError(409, "not-active", text)
    if isinstance(exc, EnvironmentLocked):
        return ApiError(409, "locked", text)
    if isinstance(exc, ApiUnavailable):
        return ApiError(503, "gateway-unavailable", text)
    return ApiError(400, "invalid", text)
