"""OAuth client-credentials tokens: fetched once, shared by all threads, refreshed early.

A token is refreshed 60 seconds before it expires (half its lifetime for very short-lived
sandbox tokens), so a long apply never sends an expired one. The lock makes exactly one thread
fetch while the others wait for its result. ``invalidate`` drops a token the server rejected with
401, but only if no other thread has already replaced it. The token never appears in a repr,
message or log line.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from reconciler.gateway.errors import AuthError, ServerError

REFRESH_MARGIN_SECONDS = 60.0
log = logging.getLogger("reconciler.gateway")


class TokenCache:
    """Holds the current bearer token; ``fetch`` returns ``(token, expires_in_seconds)``."""

    def __init__(
        self, fetch: Callable[[], tuple[str, float]], *, monotonic: Callable[[], float]
    ) -> None:
        self._fetch = fetch
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._token: str | None = None
        self._refresh_at = 0.0

    def __repr__(self) -> str:
        return f"TokenCache(has_token={self._token is not None})"

    def get(self) -> str:
        """A token valid for at least the refresh margin, fetching one if needed."""
        with self._lock:
            if self._token is None or self._monotonic() >= self._refresh_at:
                log.debug("token: %s", "fetching" if self._refresh_at == 0 else "refreshing")
                self._token = None
                token, expires_in = self._fetch()
                margin = min(REFRESH_MARGIN_SECONDS, expires_in / 2)
                self._refresh_at = self._monotonic() + expires_in - margin
                self._token = token
            return self._token

    def invalidate(self, rejected: str) -> None:
        """Forget ``rejected`` so the next ``get`` re-authenticates."""
        with self._lock:
            if self._token == rejected:
                log.debug("token: rejected with 401, fetching a new one")
                self._token = None


def parse_token_body(body: Any, *, url: str) -> tuple[str, float]:
    """``(access_token, expires_in)`` from a token response, or a typed error if malformed."""
    if isinstance(body, dict):
        token = body.get("access_token")
        expires = body.get("expires_in", 3600)
        if (
            isinstance(token, str)
            and token
            and isinstance(expires, (int, float))
            and not isinstance(expires, bool)
            and expires > 0
        ):
            return token, float(expires)
    raise ServerError(
        f"POST {url} returned no usable access_token/expires_in",
        code="gateway.token.malformed",
        hint="check loginBaseUrl points at the Genesys Cloud login host of your region",
    )


def invalid_client(*, status: int, environment: str | None, client_id: str) -> AuthError:
    """The error for credentials the login host refused."""
    where = f"environment {environment}" if environment else "this environment"
    return AuthError(
        f"the login host refused OAuth client {masked(client_id)} (invalid_client, HTTP {status})",
        status=status,
        code="invalid_client",
        hint=f"check clientId/clientSecret for {where}",
    )


def masked(client_id: str) -> str:
    """Enough of a client id to tell which one, not enough to use it: ids live in secrets too."""
    return f"'{client_id[:4]}…'" if len(client_id) > 6 else "'…'"
