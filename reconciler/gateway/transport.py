"""One HTTP exchange over a pooled session, with every library failure turned into ours.

This module (with ``failures``, which reads its exceptions) is the only one that touches
``requests``. It sends with a (connect, read) timeout, never follows redirects (a redirect could
carry the bearer token to another host), never sends plain http through a proxy (see
``_DIRECT``), sends nothing to a host that credentials may not go to (``structs.hosts``,
checked again here whatever built the URL), reads at most ``MAX_BODY`` bytes, and returns a
``Reply`` or raises ``failures.SendFailed`` (a ``TransportError``). What a failed send means
(could it have reached the server, is another attempt worth it) is decided in ``failures``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import HTTPError as Urllib3Error

from reconciler.gateway import failures
from reconciler.gateway.errors import ServerError
from reconciler.structs.errors import ConfigError
from reconciler.structs.hosts import ALLOWED_HOSTS_VARIABLE, host_allowed, not_allowed_hint

MAX_BODY = 8 * 1024 * 1024
_CHUNK = 64 * 1024
# Plain http is allowed only to loopback, where the connection must go where the URL says: a
# proxy taken from HTTP_PROXY or ALL_PROXY (any case) would receive the OAuth client's Basic
# credentials and every bearer token in the clear. ``None`` entries stop requests from filling
# them in from the environment; https keeps the environment's proxies (a blind CONNECT tunnel).
_DIRECT: dict[str, str | None] = {"http": None, "https": None, "all": None}


@dataclass(frozen=True)
class Reply:
    """A response read in full: status, parsed JSON body (None when empty) and correlation id."""

    status: int
    body: Any
    headers: dict[str, str]
    correlation_id: str | None


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
        _require_allowed(url)
        if url.lower().startswith("http://"):
            kwargs["proxies"] = dict(_DIRECT)  # requests adds to the dict it is given
        try:
            response = self._session.request(
                method, url, timeout=self._timeout, allow_redirects=False, stream=True, **kwargs
            )
        except (requests.RequestException, Urllib3Error) as e:
            raise failures.send_failed(e, method=method, url=url) from e
        with response:
            raw = _read_limited(response, method=method, url=url)
        headers = dict(response.headers)
        correlation = response.headers.get("ININ-Correlation-Id")
        return Reply(response.status_code, _parse(raw, response.status_code), headers, correlation)

    def close(self) -> None:
        """Close pooled connections."""
        self._session.close()


def _require_allowed(url: str) -> None:
    host = urlsplit(url).hostname
    if not host_allowed(host, os.environ):
        raise ConfigError(
            f"refusing to send a request to {host or url!r}: not a Genesys Cloud region's host, "
            f"not loopback and not listed in {ALLOWED_HOSTS_VARIABLE}; nothing was sent",
            hint=not_allowed_hint(),
        )


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
        raise failures.cut_off(e, method=method, url=url) from e
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
