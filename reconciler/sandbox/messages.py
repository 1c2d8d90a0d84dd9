"""Requests and responses as plain values, and the JSON body rules of the model API.

The app works on these values, never on sockets, so its rules are testable in isolation and the
transport stays a thin shell.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from reconciler.sandbox.errors import ApiError, bad_request


@dataclass(frozen=True)
class Request:
    """What the app needs of a request; header names are lower-case."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Response:
    """A status, a JSON-able body and extra headers."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def json_body(request: Request) -> Any:
    """The parsed body of a JSON request: 415 for another media type, 400 for bad JSON."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise ApiError(
            415,
            "unsupported.media.type",
            "Content-Type [{type}] is not supported; send application/json.",
            params={"type": kind or "(none)"},
        )
    if not request.body.strip():
        raise bad_request("The request body is empty; send a JSON object.")
    try:
        value = json.loads(request.body, parse_constant=_no_constant)
        # ``\udc80`` escapes parse to lone surrogates, which are no text and crash whatever
        # encodes them later; refusing them here keeps that a 400.
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise bad_request("The request body contains text that is not valid Unicode.") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request(
            "The request body is not valid JSON: {reason}.", reason=str(exc)
        ) from None
    except RecursionError:
        raise bad_request("The request body is nested too deeply.") from None
    return value


def _no_constant(name: str) -> Any:
    """JSON has no NaN or Infinity, which Python's parser would otherwise accept."""
    raise ValueError(f"{name} is not a JSON value")
