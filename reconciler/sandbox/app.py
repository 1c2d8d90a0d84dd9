"""The emulated platform as a function from a request to a response, without sockets.

The order of checks is the platform's: routing, injected faults (an unhealthy edge answers
before anything else), authentication, the per-token rate limit, the scope, then the body.
Every answer carries an ``ININ-Correlation-Id``; every error body carries it as ``contextId``.
"""

from __future__ import annotations

import json
import random
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from reconciler.sandbox import bodies
from reconciler.sandbox.auth import TokenIssuer, require_scope
from reconciler.sandbox.clock import Clock
from reconciler.sandbox.errors import ApiError, OAuthError, bad_request, server_fault
from reconciler.sandbox.invoke import invoke
from reconciler.sandbox.ratelimit import RateLimiter
from reconciler.sandbox.routes import Route, envelope, paging, route
from reconciler.sandbox.settings import READ_SCOPE, WRITE_SCOPE, SandboxSettings
from reconciler.sandbox.store import ModelStore

CORRELATION_HEADER = "ININ-Correlation-Id"
KINDS = ("token", "list", "get", "create", "update", "delete", "invoke")
FAULT_STATUSES = (500, 502, 503, 504)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Response:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class Stats:
    """Request counts by kind, 429s and injected faults; a benchmark's view of the server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts = dict.fromkeys((*KINDS, "other", "rate_limited", "errors_injected"), 0)

    def add(self, key: str) -> None:
        with self._lock:
            self._counts[key] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)


class GatewayApp:
    """Routes a request to the login or model operations and renders every error."""

    def __init__(self, settings: SandboxSettings, *, clock: Clock) -> None:
        self.settings = settings
        self.store = ModelStore(settings, clock=clock)
        self.tokens = TokenIssuer(settings.clients, ttl=settings.token_ttl, clock=clock)
        self.limiter = RateLimiter(settings.rate_limit, clock=clock)
        self.stats = Stats()
        self._random = random.Random(None if settings.seed is None else settings.seed + 1)
        self._random_lock = threading.Lock()

    def handle(self, request: Request) -> Response:
        context = str(uuid.uuid4())
        try:
            response = self._dispatch(request)
        except OAuthError as exc:
            response = Response(exc.status, exc.body())
        except ApiError as exc:
            response = Response(exc.status, exc.body(context), dict(exc.headers))
        response.headers[CORRELATION_HEADER] = context
        return response

    def reject(self, error: ApiError) -> Response:
        """An error answer for a request the transport refused before it reached ``handle``."""
        context = str(uuid.uuid4())
        return Response(
            error.status, error.body(context), {**error.headers, CORRELATION_HEADER: context}
        )

    def _dispatch(self, request: Request) -> Response:
        try:
            target = route(request.method, request.path)
        except ApiError:
            self.stats.add("other")
            raise
        self.stats.add(target.kind)
        self._maybe_fail(target.kind)
        if target.kind == "token":
            return self._token(request)
        token, grant = self.tokens.check(request.headers.get("authorization"))
        try:
            self.limiter.take(token)
        except ApiError:
            self.stats.add("rate_limited")
            raise
        require_scope(grant, READ_SCOPE if request.method == "GET" else WRITE_SCOPE)
        return self._models(target, request)

    def _maybe_fail(self, kind: str) -> None:
        if kind == "token" and not self.settings.error_rate_token:
            return
        with self._random_lock:
            unlucky = self._random.random() < self.settings.error_rate
            status = self._random.choice(FAULT_STATUSES)
        if unlucky:
            self.stats.add("errors_injected")
            raise server_fault(status)

    def _token(self, request: Request) -> Response:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            raise OAuthError(
                400, "invalid_request", "the body must be application/x-www-form-urlencoded"
            )
        try:
            form = request.body.decode("ascii")
        except UnicodeDecodeError:
            raise OAuthError(400, "invalid_request", "the form body is not ASCII") from None
        return Response(200, self.tokens.issue(request.headers.get("authorization"), form))

    def _models(self, target: Route, request: Request) -> Response:
        store, model_id = self.store, target.model_id or ""
        if target.kind == "list":
            size, number = paging(request.query)
            entities, total = store.page(size=size, number=number)
            return Response(200, envelope(entities, total=total, size=size, number=number))
        if target.kind == "get":
            return Response(200, store.get(model_id))
        if target.kind == "delete":
            return Response(202, store.delete(model_id))
        body = _json_body(request)
        if target.kind == "create":
            return Response(202, store.create(bodies.parse_model_write(body, is_update=False)))
        if target.kind == "update":
            write = bodies.parse_model_write(body, is_update=True)
            return Response(202, store.update(model_id, write))
        text, options = bodies.parse_invoke(body)
        return Response(200, invoke(store.active(model_id), text, options))


def _json_body(request: Request) -> Any:
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
        return json.loads(request.body, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request(
            "The request body is not valid JSON: {reason}.", reason=str(exc)
        ) from None
    except RecursionError:
        raise bad_request("The request body is nested too deeply.") from None


def _no_constant(name: str) -> Any:
    """JSON has no NaN or Infinity, which Python's parser would otherwise accept."""
    raise ValueError(f"{name} is not a JSON value")
