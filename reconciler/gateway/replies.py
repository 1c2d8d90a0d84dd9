"""What an error reply means: the typed error, with what only the client can add.

``errors.from_response`` reads the platform's error body. This module adds what depends on the
call and the client: the scope a 403 lacks (read for GET, write for the rest), the wait a 429
asks for, what to do about a 401 that survived re-authentication, and that the login host
refusing the client (401, or 400 ``invalid_client``) means wrong client credentials.
"""

from __future__ import annotations

from reconciler.gateway import auth
from reconciler.gateway.auth import masked
from reconciler.gateway.errors import (
    Forbidden,
    GatewayError,
    RateLimited,
    Unauthorized,
    from_response,
)
from reconciler.gateway.retry import parse_retry_after
from reconciler.gateway.transport import Reply


def api_error(reply: Reply, *, method: str, what: str, client_id: str) -> GatewayError:
    """The error for an API reply outside 2xx; ``what`` names the call in the message."""
    error = _typed(reply, what=what)
    if isinstance(error, Forbidden):
        scope = "ai:models:read" if method == "GET" else "ai:models:write"
        error.message = f"{error.message.rstrip('.')}; the OAuth client lacks scope {scope}"
        error.args = (error.message,)
        error.hint = f"grant {scope} to OAuth client {masked(client_id)}"
    elif isinstance(error, Unauthorized):
        error.hint = "the token was refused twice; check the OAuth client is still active"
    return error


def token_error(reply: Reply, *, url: str, client_id: str, environment: str | None) -> GatewayError:
    """The error for a token reply outside 2xx."""
    body = reply.body if isinstance(reply.body, dict) else {}
    if reply.status == 401 or (reply.status == 400 and body.get("error") == "invalid_client"):
        return auth.invalid_client(
            status=reply.status, environment=environment, client_id=client_id
        )
    return _typed(reply, what=f"POST {url}")


def _typed(reply: Reply, *, what: str) -> GatewayError:
    error = from_response(
        status=reply.status, body=reply.body, correlation_id=reply.correlation_id, what=what
    )
    if isinstance(error, RateLimited):
        error.retry_after = parse_retry_after(reply.headers.get("Retry-After"))
    return error
