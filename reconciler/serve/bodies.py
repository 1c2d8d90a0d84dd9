"""Reading a request's JSON body within limits: size (413), type (415), syntax (400).

The size is checked on the declared length and again on what actually arrives, so a client
that lies in ``Content-Length`` or streams chunks cannot make the service buffer more than the
limit. Only a JSON object is a body; anything else is named in the answer.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from reconciler.serve.errors import ApiError


async def json_object(request: Request, *, limit: int) -> dict[str, Any]:
    """The body as a dict, or an ``ApiError`` with the status that says what was wrong."""
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind != "application/json":
        raise ApiError(415, "unsupported-media-type", "send the body as application/json")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    raw = bytearray()
    async for chunk in request.stream():
        raw.extend(chunk)
        if len(raw) > limit:
            raise _too_large(limit)
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, "malformed-json", f"the body is not valid JSON: {_why(exc)}") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "malformed-json", "the body must be a JSON object")
    return body


def field(body: dict[str, Any], name: str, kind: type, *, required: bool = True) -> Any:
    """``body[name]`` checked for type; a missing or mistyped field is a 400 naming it."""
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ApiError(
            400, "invalid", f"field '{name}' must be a {_kind_name(kind)}" + _given(body, name)
        )
    return value


def _kind_name(kind: type) -> str:
    return {str: "string", dict: "JSON object", bool: "boolean", int: "integer"}.get(
        kind, kind.__name__
    )


def _given(body: dict[str, Any], name: str) -> str:
    return " (it is missing)" if name not in body else ""


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "too-large", f"the body is over {limit // 1024} KiB")


def _why(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    return "it is not UTF-8"
