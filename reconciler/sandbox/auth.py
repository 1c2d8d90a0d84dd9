"""The emulated login host: OAuth client credentials, bearer tokens, scopes.

Tokens are random opaque strings kept in memory with their client, scopes and expiry (by the
injected clock). A restarted server forgets them, as a real token store would after a revocation,
and clients re-authenticate on the 401. Secrets are compared in constant time and never logged.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import threading
from dataclasses import dataclass
from urllib.parse import parse_qs

from reconciler.sandbox.clock import Clock
from reconciler.sandbox.errors import ApiError, OAuthError
from reconciler.sandbox.settings import ClientSpec


@dataclass
class Grant:
    """What a bearer token stands for."""

    client_id: str
    scopes: tuple[str, ...]
    expires_at: float


class TokenIssuer:
    """Issues and checks bearer tokens for the configured clients."""

    def __init__(self, clients: tuple[ClientSpec, ...], *, ttl: float, clock: Clock) -> None:
        self._clients = {c.client_id: c for c in clients}
        self._ttl = ttl
        self._clock = clock
        self._grants: dict[str, Grant] = {}
        self._lock = threading.Lock()

    def issue(self, authorization: str | None, form: str) -> dict[str, object]:
        """The token response for a ``client_credentials`` request, or an ``OAuthError``."""
        client = self._authenticate(authorization)
        grant_type = parse_qs(form).get("grant_type", [""])[0]
        if grant_type != "client_credentials":
            raise OAuthError(400, "unsupported_grant_type", "grant_type must be client_credentials")
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._grants[token] = Grant(
                client.client_id, client.scopes, self._clock.now() + self._ttl
            )
        return {"access_token": token, "token_type": "bearer", "expires_in": self._lifetime()}

    def _lifetime(self) -> int | float:
        """Whole seconds, as the platform announces; a sub-second test lifetime as it is,
        because announcing more than the truth makes clients send tokens already expired."""
        return int(self._ttl) if self._ttl >= 1 else self._ttl

    def _authenticate(self, authorization: str | None) -> ClientSpec:
        scheme, _, encoded = (authorization or "").partition(" ")
        if scheme.lower() != "basic" or not encoded:
            raise OAuthError(
                401, "invalid_client", "client authentication is required (Authorization: Basic)"
            )
        try:
            client_id, sep, secret = (
                base64.b64decode(encoded, validate=True).decode().partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            sep = ""
        if not sep:
            raise OAuthError(401, "invalid_client", "malformed Basic authorization")
        client = self._clients.get(client_id)
        if client is None:
            raise OAuthError(400, "invalid_client", "client not found")
        if not hmac.compare_digest(client.secret.encode(), secret.encode()):
            raise OAuthError(401, "invalid_client", "authentication failed")
        return client

    def check(self, authorization: str | None) -> tuple[str, Grant]:
        """The token and its grant for a bearer header; 401 when missing, unknown or expired."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise ApiError(
                401,
                "authentication.required",
                "No authentication bearer token specified in authorization header.",
            )
        with self._lock:
            grant = self._grants.get(token)
        if grant is None:
            raise ApiError(401, "bad.credentials", "Invalid login credentials.")
        if self._clock.now() >= grant.expires_at:
            raise ApiError(
                401,
                "credentials.expired",
                "The supplied credentials are expired and cannot be used.",
            )
        return token, grant

    def expire_all(self) -> None:
        """Make every issued token expired now, to exercise clients' re-authentication."""
        now = self._clock.now()
        with self._lock:
            for grant in self._grants.values():
                grant.expires_at = min(grant.expires_at, now)


def require_scope(grant: Grant, scope: str) -> None:
    """403 naming the scope the token lacks."""
    if scope not in grant.scopes:
        raise ApiError(
            403,
            "missing.any.scopes",
            "Unable to perform the requested action. The token lacks the required "
            "OAuth scope [{scope}].",
            params={"scope": scope},
        )
