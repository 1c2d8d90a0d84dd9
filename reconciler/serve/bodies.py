"""Reading a request's JSON body within limits: size (413), type (415), syntax (400).

The size is checked on the declared length and again on what actually arrives, so a client
that lies in ``Content-Length`` or streams chunks cannot make the service buffer more than the
limit. Only a JSON object is a body; anything else is named in the answer.

What Python's parser accepts but nothing downstream can hold is refused here too, as a 400
rather than a 500 deep in the engine: a lone surrogate (``"\\ud800"``: valid JSON escapes,
but no UTF-8 exists for it, so git, YAML and the answer's own encoding fail on it), nesting
deeper than ``MAX_DEPTH`` (no manifest is that deep, and the parser's recursion fails at about
a thousand), numbers beyond 2^53 (the contract's integer bound; what JSON peers round) and the
``NaN``/``Infinity`` literals that are not JSON at all.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from starlette.requests import ClientDisconnect, Request

from reconciler.serve.errors import ApiError

MAX_DEPTH = 64
MAX_MAGNITUDE = 2**53
_NUMBER_DIGITS = 40  # longer number literals are out of range whatever they say
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


async def json_object(request: Request, *, limit: int) -> dict[str, Any]:
    """The body as a dict, or an ``ApiError`` with the status that says what was wrong."""
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind != "application/json":
        raise ApiError(415, "unsupported-media-type", "send the body as application/json")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    raw = bytearray()
    try:
        async for chunk in request.stream():
            raw.extend(chunk)
            if len(raw) > limit:
                raise _too_large(limit)
    except ClientDisconnect:  # gone, or cut off by the body deadline (``protocol``)
        raise ApiError(408, "timeout", "the body did not arrive in time") from None
    body = parse_json(bytes(raw))
    if not isinstance(body, dict):
        raise _malformed("the body must be a JSON object")
    return body


def parse_json(raw: bytes) -> Any:
    """Strict JSON: UTF-8, depth at most ``MAX_DEPTH``, numbers within 2^53, no lone
    surrogates; anything else an ``ApiError`` 400 ``malformed-json`` saying why."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _malformed("the body is not valid JSON: it is not UTF-8") from exc
    if _too_deep(text):
        raise _malformed(f"the body nests deeper than {MAX_DEPTH} levels")
    try:
        value = json.loads(
            text, parse_int=_integer, parse_float=_float, parse_constant=_no_constant
        )
    except _OutOfRange as exc:
        raise _malformed(f"the body holds a number out of range: {exc}") from None
    except (ValueError, RecursionError) as exc:
        raise _malformed(f"the body is not valid JSON: {_why(exc)}") from None
    if _has_lone_surrogate(value):
        raise _malformed("the body holds a lone surrogate (\\ud800-\\udfff) in a string")
    return value


class _OutOfRange(ValueError):
    pass


def _integer(text: str) -> int:
    if len(text) > _NUMBER_DIGITS or abs(int(text)) > MAX_MAGNITUDE:
        raise _OutOfRange(f"{text[:20]}{'...' if len(text) > 20 else ''} is beyond 2^53")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if len(text) > _NUMBER_DIGITS * 2 or not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        raise _OutOfRange(f"{text[:20]}{'...' if len(text) > 20 else ''} is beyond 2^53")
    return value


def _no_constant(text: str) -> Any:
    raise _OutOfRange(f"{text} is not a JSON number")


def _too_deep(text: str) -> bool:
    """Whether brackets outside strings nest deeper than ``MAX_DEPTH``: one pass over the
    structural characters, before the parser's recursion could fail on them."""
    depth = 0
    for token in _STRUCTURE.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif mark in "]}":
            depth -= 1
    return False


# A whole JSON string (with its escapes) or one bracket; strings are skipped as a unit.
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _has_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _malformed(message: str) -> ApiError:
    return ApiError(400, "malformed-json", message)


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
    return "it cannot be parsed"
