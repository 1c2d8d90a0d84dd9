"""vcrpy set-up for the wire-contract cassettes, with every secret scrubbed before it is written.

Cassettes are recorded once from the sandbox and replayed afterwards. The sandbox listens on a
new port each run, so requests match on method, path and query, never on host or port.
Scrubbing happens in the ``before_record`` hooks, so a secret never reaches the disk at all:
the Authorization header is dropped, ``access_token``, ``apiKey`` and ``client_secret`` values
become ``***`` wherever they appear in a JSON or form body.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import vcr

CASSETTES = Path(__file__).parents[1] / "cassettes" / "gateway"
REDACTED = "***"  # short on purpose: no secret scanner mistakes it for a key
SECRET_KEYS = frozenset({"access_token", "refresh_token", "apiKey", "client_secret", "password"})
DROPPED_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "proxy-authorization"})


def scrub_value(value: Any) -> Any:
    """A copy of a JSON value with every secret-named key's value replaced."""
    if isinstance(value, dict):
        return {k: REDACTED if k in SECRET_KEYS else scrub_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_value(v) for v in value]
    return value


def scrub_body(body: bytes | str | None) -> bytes | str | None:
    """Scrub a JSON or form body; anything else is kept as it is."""
    if not body:
        return body
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        scrubbed = json.dumps(scrub_value(json.loads(text)))
    except ValueError:
        pairs = parse_qsl(text, keep_blank_values=True)
        if not pairs:
            return body
        scrubbed = urlencode([(k, REDACTED if k in SECRET_KEYS else v) for k, v in pairs])
    return scrubbed.encode() if isinstance(body, bytes) else scrubbed


def scrub_request(request: Any) -> Any:
    """before_record_request hook."""
    for name in list(request.headers):
        if name.lower() in DROPPED_HEADERS:
            del request.headers[name]
    request.body = scrub_body(request.body)
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """before_record_response hook."""
    response["headers"] = {
        k: v for k, v in response["headers"].items() if k.lower() not in DROPPED_HEADERS
    }
    body = scrub_body(response["body"]["string"])
    response["body"]["string"] = body
    for name in response["headers"]:
        if name.lower() == "content-length" and body is not None:
            size = len(body.encode() if isinstance(body, str) else body)
            response["headers"][name] = [str(size)]
    return response


def gateway_vcr() -> vcr.VCR:
    """The recorder/player every cassette test uses."""
    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode="once",
        match_on=["method", "path", "query"],
        before_record_request=scrub_request,
        before_record_response=scrub_response,
        decode_compressed_response=True,
    )
