"""What a request that got no response means: could the server have acted, and is it worth
sending again?

Two questions decide what the caller may do next, so they are answered here, once:

- ``maybe_sent``: a connection that was never opened (refused, connect timeout, TLS handshake)
  carried nothing, so even a create can be resent; a timeout or reset after sending may have
  reached the server, and only idempotent calls are resent.
- ``retryable``: a refused connection or a reset may heal in a second; a certificate the client
  does not trust, or TLS spoken to something that is not a TLS server, will not. Those fail at
  once with the host named and what to check, instead of five identical attempts.

A TLS end-of-file (the peer hung up mid-handshake or mid-request) is a dropped connection, not
a configuration problem, and is treated like a reset.
"""

from __future__ import annotations

import ssl
from typing import TypeVar
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import NewConnectionError

from reconciler.gateway.errors import TransportError

_DROPPED_TLS = (ssl.SSLEOFError, ssl.SSLZeroReturnError)
_E = TypeVar("_E", bound=BaseException)


class SendFailed(TransportError):
    """No response; ``maybe_sent`` says whether the server could have acted on the request."""

    def __init__(
        self,
        message: str,
        *,
        maybe_sent: bool,
        retryable: bool = True,
        code: str = "transport.error",
        hint: str = "check apiBaseUrl/loginBaseUrl and that the host is reachable from here",
    ) -> None:
        super().__init__(message, code=code, hint=hint)
        self.maybe_sent = maybe_sent
        self.retryable = retryable


def send_failed(e: Exception, *, method: str, url: str) -> SendFailed:
    """Classify an exception raised while connecting or sending."""
    tls = _found_in(e, ssl.SSLError)
    if tls is not None and not isinstance(tls, _DROPPED_TLS):
        return tls_failed(tls, method=method, url=url)
    not_sent = isinstance(e, requests.ConnectTimeout) or (
        isinstance(e, requests.ConnectionError) and _found_in(e, NewConnectionError) is not None
    )
    kind = "timed out" if isinstance(e, requests.Timeout) else "could not connect or was cut off"
    return SendFailed(f"{method} {url} {kind} ({type(e).__name__})", maybe_sent=not not_sent)


def cut_off(e: Exception, *, method: str, url: str) -> SendFailed:
    """The connection failed while the response was being read: the server may have acted."""
    return SendFailed(
        f"{method} {url} was cut off while reading the response ({type(e).__name__})",
        maybe_sent=True,
    )


def tls_failed(error: ssl.SSLError, *, method: str, url: str) -> SendFailed:
    """The TLS handshake failed: nothing was sent, and sending again will not help."""
    host = urlsplit(url).hostname or url
    if isinstance(error, ssl.SSLCertVerificationError):
        reason = f"certificate not trusted: {error.verify_message or error.reason}"
    else:
        reason = str(error.reason or type(error).__name__).lower().replace("_", " ")
    return SendFailed(
        f"{method} {url}: TLS with {host} failed ({reason})",
        maybe_sent=False,
        retryable=False,
        code="transport.tls",
        hint=(
            f"check the certificate of {host} and any proxy in between (a TLS-inspecting proxy"
            " needs its CA in REQUESTS_CA_BUNDLE), and that apiBaseUrl/loginBaseUrl name the"
            " right https host"
        ),
    )


def _found_in(e: BaseException, kind: type[_E]) -> _E | None:
    """The first exception of ``kind`` in ``e``'s chain (its args, ``reason`` or context)."""
    seen: BaseException | None = e
    for _ in range(8):
        if seen is None:
            return None
        if isinstance(seen, kind):
            return seen
        match = next((a for a in seen.args if isinstance(a, kind)), None)
        if match is not None:
            return match
        reason = getattr(seen, "reason", None)
        seen = reason if isinstance(reason, BaseException) else seen.__context__
    return None
