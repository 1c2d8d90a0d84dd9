"""Checks on what the server returned, before anything is handed on.

A body of the wrong shape becomes a ``ServerError`` here instead of a ``KeyError`` or
``TypeError`` somewhere in the engine; the paging and update-landed rules live here because
they are pure functions of response bodies.
"""

from __future__ import annotations

from typing import Any

from reconciler.gateway.errors import ServerError
from reconciler.gateway.transport import Reply


def has_next(envelope: dict[str, Any], number: int) -> bool:
    """Another page follows: ``pageCount`` decides, ``nextUri`` when there is no count."""
    if not envelope["entities"]:
        return False
    page_count = envelope.get("pageCount")
    if isinstance(page_count, int) and not isinstance(page_count, bool):
        return number < page_count
    return bool(envelope.get("nextUri"))


def object_body(reply: Reply, path: str) -> dict[str, Any]:
    """The reply's body, which must be a JSON object."""
    if not isinstance(reply.body, dict):
        raise malformed(
            path, "a JSON object", status=reply.status, correlation=reply.correlation_id
        )
    return reply.body


def malformed(
    what: str, expected: str, *, status: int = 0, correlation: str | None = None
) -> ServerError:
    """The error for a success reply that is not what the API promises."""
    return ServerError(
        f"{what} answered without {expected}",
        status=status,
        code="gateway.response.malformed",
        correlation_id=correlation,
        hint="check apiBaseUrl points at the Genesys Cloud API host of your region",
    )


def update_landed(sent: dict[str, Any], live: dict[str, Any]) -> bool:
    """Our PUT landed if the version moved on by one and the live model holds what we sent."""
    version = sent.get("version")
    if not isinstance(version, int) or live.get("version") != version + 1:
        return False
    return all(holds(value, live.get(key)) for key, value in sent.items() if key != "version")


def holds(sent: Any, live: Any) -> bool:
    """Everything we sent is on the live model (the write-only ``apiKey`` excepted)."""
    if isinstance(sent, dict):
        return isinstance(live, dict) and all(
            holds(v, live.get(k)) for k, v in sent.items() if k != "apiKey"
        )
    return bool(sent == live)
