"""Platform error bodies, raised as ``ApiError`` anywhere and rendered at one place.

The body has the shape every Genesys Cloud Platform API error has: ``message``, ``code``,
``status``, ``messageWithParams`` (the message with ``{name}`` placeholders),
``messageParams``, ``contextId`` (the request's correlation id), ``details`` and ``errors``.
"""

from __future__ import annotations

from typing import Any

MESSAGES_BY_STATUS = {
    500: ("internal.server.error", "The server encountered an unexpected condition."),
    502: ("bad.gateway", "The upstream service returned an invalid response."),
    503: ("service.unavailable", "The service is currently unavailable. Please try again later."),
    504: ("gateway.timeout", "The upstream service did not respond in time."),
}


class ApiError(Exception):
    """An error answer: status, platform code, and a message with named parameters."""

    def __init__(
        self,
        status: int,
        code: str,
        template: str,
        *,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.template = template
        self.params = params or {}
        self.headers = headers or {}
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = self.template
        for name, value in self.params.items():
            text = text.replace("{" + name + "}", value)
        return text

    def body(self, context_id: str) -> dict[str, Any]:
        """The JSON error body, tied to the response's correlation id."""
        return error_body(
            status=self.status,
            code=self.code,
            template=self.template,
            params=self.params,
            context_id=context_id,
        )


def error_body(
    *, status: int, code: str, template: str, params: dict[str, str], context_id: str
) -> dict[str, Any]:
    """One ErrorBody; also used inside a FAILED model's ``errors`` list."""
    message = template
    for name, value in params.items():
        message = message.replace("{" + name + "}", value)
    return {
        "message": message,
        "code": code,
        "status": status,
        "messageWithParams": template,
        "messageParams": dict(params),
        "contextId": context_id,
        "details": [],
        "errors": [],
    }


def bad_request(template: str, **params: str) -> ApiError:
    return ApiError(400, "bad.request", template, params=params)


def invalid_field(field: str, problem: str) -> ApiError:
    """A 400 that names the offending field, so the caller knows what to fix."""
    return ApiError(
        400,
        "invalid.value",
        "Field [{field}] {problem}",
        params={"field": field, "problem": problem},
    )


def not_found(what: str) -> ApiError:
    return ApiError(
        404,
        "not.found",
        "The requested resource [{resource}] could not be found.",
        params={"resource": what},
    )


def conflict(template: str, **params: str) -> ApiError:
    return ApiError(409, "general.conflict", template, params=params)


def server_fault(status: int) -> ApiError:
    code, message = MESSAGES_BY_STATUS[status]
    return ApiError(status, code, message)


class OAuthError(Exception):
    """An error of the login host, which answers in the OAuth shape, not the platform one."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

    def body(self) -> dict[str, str]:
        return {
            "error": self.error,
            "description": self.description,
            "error_description": self.description,
        }
