"""The client's own errors: every failure of a Gateway call is one of these.

No ``requests`` or ``urllib3`` exception leaves the package; they are chained with ``from e``.
Each error carries the HTTP status, the platform error ``code``, its ``message`` and the
correlation id (``contextId`` / ``ININ-Correlation-Id``) a Genesys support case asks for.

All are ``GatewayError`` so callers can catch them together, but the exit code of one that
nobody handles depends on whose fault it is. The API refusing *this request* (400, 404, 409) is
invalid input: exit 1. Not getting through at all (no connection, TLS, refused credentials,
missing scope, 429 or 5xx past the retry budget) is a ``GatewayUnavailable``, which is an
``ApiUnavailable``: exit 5, "cannot reach or authenticate".
"""

from __future__ import annotations

from typing import Any

from reconciler.structs.errors import ApiUnavailable, ExitCode, ReconcileError

_MAX_MESSAGE = 300


class GatewayError(ReconcileError):
    """A Gateway call failed; ``status`` is 0 when no HTTP response arrived."""

    # The API answered and refused this request; ``GatewayUnavailable`` covers the rest.
    exit_code = ExitCode.INVALID

    def __init__(
        self,
        message: str,
        *,
        status: int = 0,
        code: str = "",
        correlation_id: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.code = code
        self.correlation_id = correlation_id

    def render(self) -> str:
        """The message plus the correlation id support will ask for."""
        text = super().render()
        return f"{text}\n  correlation id: {self.correlation_id}" if self.correlation_id else text


class GatewayUnavailable(GatewayError, ApiUnavailable):
    """The call did not get through: nothing was changed by it (exit 5)."""

    exit_code = ExitCode.UNREACHABLE


class BadRequest(GatewayError):
    """400 (or another 4xx): the request was refused as invalid (a provider change, say)."""


class Unauthorized(GatewayUnavailable):
    """401 that survived one re-authentication."""


class AuthError(Unauthorized):
    """The token endpoint refused the client credentials (``invalid_client``)."""


class Forbidden(GatewayUnavailable):
    """403: the OAuth client lacks a scope."""


class NotFound(GatewayError):
    """404: no such model."""


class Conflict(GatewayError):
    """409: stale ``version``, duplicate name, or invoke of a model that is not ACTIVE."""


class RateLimited(GatewayUnavailable):
    """429 past the retry budget; ``retry_after`` is the server's requested wait in seconds."""

    retry_after: float | None = None


class ServerError(GatewayUnavailable):
    """5xx past the retry budget, or a response that is not what the API promises."""


class TransportError(GatewayUnavailable):
    """No usable response: connection refused or reset, timeout, TLS failure."""


_BY_STATUS: dict[int, type[GatewayError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    429: RateLimited,
}


def error_class(status: int) -> type[GatewayError]:
    """The error type for an HTTP status (other 4xx are bad requests, 5xx server errors)."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    return ServerError if status >= 500 or status < 400 else BadRequest


def from_response(*, status: int, body: Any, correlation_id: str | None, what: str) -> GatewayError:
    """Build the typed error from a platform error body, tolerating any shape of body."""
    fields = body if isinstance(body, dict) else {}
    code = _text(fields.get("code")) or f"http.{status}"
    message = _text(fields.get("message")) or _text(fields.get("error_description"))
    context = _text(fields.get("contextId")) or correlation_id
    detail = f": {message}" if message else ""
    return error_class(status)(
        f"{what} failed with HTTP {status} ({code}){detail}",
        status=status,
        code=code,
        correlation_id=context or None,
    )


def _text(value: Any) -> str:
    """A printable, bounded string from whatever the server sent."""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return ""
    text = " ".join(str(value).split())
    return text if len(text) <= _MAX_MESSAGE else text[:_MAX_MESSAGE] + "..."
