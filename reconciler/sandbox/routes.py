"""Which operation a method and path name, and the paging parameters of a list.

Kept apart from the handlers so the OpenAPI test and the stats share one table of operations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import parse_qs

from reconciler.sandbox.errors import ApiError, invalid_field, not_found

MODELS = "/api/v2/ai/models"
TOKEN = "/oauth/token"  # noqa: S105 - a path, not a password
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100

# (method, path pattern) -> kind; ``{id}`` matches one path segment.
OPERATIONS = {
    ("POST", TOKEN): "token",
    ("GET", MODELS): "list",
    ("POST", MODELS): "create",
    ("GET", MODELS + "/{id}"): "get",
    ("PUT", MODELS + "/{id}"): "update",
    ("DELETE", MODELS + "/{id}"): "delete",
    ("POST", MODELS + "/{id}/invoke"): "invoke",
}


@dataclass(frozen=True)
class Route:
    kind: str
    model_id: str | None


def route(method: str, path: str) -> Route:
    """The operation of a request, 404 for an unknown path, 405 for a wrong method."""
    pattern, model_id = _pattern(path)
    kind = OPERATIONS.get((method, pattern))
    if kind is not None:
        return Route(kind, model_id)
    allowed = sorted(m for m, p in OPERATIONS if p == pattern)
    if not allowed:
        raise not_found(path)
    raise ApiError(
        405,
        "method.not.allowed",
        "Method [{method}] is not allowed on [{path}].",
        params={"method": method, "path": path},
        headers={"Allow": ", ".join(allowed)},
    )


def _pattern(path: str) -> tuple[str, str | None]:
    if path in (TOKEN, MODELS):
        return path, None
    if path.startswith(MODELS + "/"):
        rest = path[len(MODELS) + 1 :].split("/")
        if len(rest) == 1 and rest[0]:
            return MODELS + "/{id}", rest[0]
        if len(rest) == 2 and rest[0] and rest[1] == "invoke":
            return MODELS + "/{id}/invoke", rest[0]
    return path, None


def paging(query: str) -> tuple[int, int]:
    """``(pageSize, pageNumber)`` from a query string, 400 on a value out of range."""
    params = parse_qs(query, keep_blank_values=True)
    size = _positive(params, "pageSize", DEFAULT_PAGE_SIZE)
    if size > MAX_PAGE_SIZE:
        raise invalid_field("pageSize", f"must be at most {MAX_PAGE_SIZE}")
    return size, _positive(params, "pageNumber", 1)


def _positive(params: dict[str, list[str]], name: str, default: int) -> int:
    values = params.get(name)
    if not values:
        return default
    try:
        value = int(values[-1])
    except ValueError:
        raise invalid_field(name, "must be a positive integer") from None
    if value < 1:
        raise invalid_field(name, "must be a positive integer")
    return value


def envelope(
    entities: list[dict[str, object]], *, total: int, size: int, number: int
) -> dict[str, object]:
    """The platform's paging envelope; next/previous links only where such a page exists."""
    count = math.ceil(total / size)

    def uri(page: int) -> str:
        return f"{MODELS}?pageSize={size}&pageNumber={page}"

    body: dict[str, object] = {
        "entities": entities,
        "pageSize": size,
        "pageNumber": number,
        "total": total,
        "pageCount": count,
        "selfUri": uri(number),
        "firstUri": uri(1),
        "lastUri": uri(max(count, 1)),
    }
    if number < count:
        body["nextUri"] = uri(number + 1)
    if number > 1:
        body["previousUri"] = uri(number - 1)
    return body
