"""One HTTP exchange over a pooled session, with every library failure turned into ours.

This is the only module that touches ``requests``. It sends with a (connect, read) timeout,
never follows redirects (a redirect could carry the bearer token to another host), reads at most
``MAX_BODY`` bytes, and returns a ``Reply`` or raises ``TransportError``. Whether a failed
request may have reached the server is recorded in ``maybe_sent``, because that decides whether
a non-idempotent call can be resent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import NewConnectionError

from reconciler.gateway.errors import ServerError, TransportError

MAX_BODY = 8 * 1024 * 1024
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Reply:
    """A response read in full: status, parsed JSON body (None when empty) and correlation id."""

    status: int
    body: Any
    headers: dict[str, str]
    correlation_id: str | None


class SendFailed(TransportError):
    """No response; ``maybe_sent`` says whether the server could have acted on the request."""

    def __init__(self, message: str, *, maybe_sent: bool) -> None:
        super().__init__(
            message,
            code="transport.error",
            hint="check apiBaseUrl/loginBaseUrl and that the host is reachable from here",
        )
        self.maybe_sent = maybe_sent


class Transport:
    """A requests session with a connection pool sized for the parallel workers."""

    def __init__(self, *, pool_size: int, timeout_seconds: float) -> None:
        self._session = requests.Session()
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool_size, max_retries=0)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        self._timeout = (min(10.0, timeout_seconds), timeout_seconds)

    def send(self, method: str, url: str, **kwargs: Any) -> Reply:
        """Send one request; ``kwargs`` are ``headers``, ``params``, ``json``, ``data``."""
        try:
            response = self._session.request(
                method, url, timeout=self._timeout, allow_redirects=False, stream=True, **kwargs
            )
        except (requests.RequestException, Urllib3Error) as e:
            raise _send_failed(e, method=method, url=url) from e
        with response:
            raw = _read_limited(response, method=method, url=url)
        headers = dict(response.headers)
        correlation = response.headers.get("ININ-Correlation-Id")
        return Reply(response.status_code, _parse(raw, response.status_code), headers, correlation)

    def close(self) -> None:
        """Close pooled connections."""
        self._session.close()


def _send_failed(e: Exception, *, method: str, url: str) -> SendFailed:
    not_sent = isinstance(e, requests.ConnectTimeout) or (
        isinstance(e, requests.ConnectionError) and _caused_by(e, NewConnectionError)
    )
    kind = "timed out" if isinstance(e, requests.Timeout) else "could not connect or was cut off"
    return SendFailed(f"{method} {url} {kind} ({type(e).__name__})", maybe_sent=not not_sent)


def _caused_by(e: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = e
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, kind) or any(isinstance(a, kind) for a in seen.args):
            return True
        reason = getattr(seen, "reason", None)
        seen = reason if isinstance(reason, BaseException) else seen.__context__
    return False


def _read_limited(response: requests.Response, *, method: str, url: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > MAX_BODY:
                raise ServerError(
                    f"{method} {url} answered with a body over {MAX_BODY} bytes",
                    status=response.status_code,
                    code="gateway.response.too.large",
                )
            chunks.append(chunk)
    except (requests.RequestException, Urllib3Error) as e:
        raise SendFailed(
            f"{method} {url} was cut off while reading the response ({type(e).__name__})",
            maybe_sent=True,
        ) from e
    return b"".join(chunks)


def _parse(raw: bytes, status: int) -> Any:
    """JSON body, None when empty, or ``_NotJson`` carrying a short excerpt."""
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return NotJson(raw[:200].decode("utf-8", "replace"))


@dataclass(frozen=True)
class NotJson:
    """A body that was not JSON (an HTML error page from a proxy, say)."""

    excerpt: str
