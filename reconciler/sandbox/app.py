"""The emulated platform as a function from a request to a response, without sockets.

The order of checks is the platform's: routing, injected faults (an unhealthy edge answers
before anything else), authentication, the per-token rate limit, the scope, then the body.
A lost reply is the one fault injected after acting: the write is done, the answer is a 502,
so clients must find out what happened rather than assume nothing did.
Every answer carries an ``ININ-Correlation-Id`` (every error body carries it as ``contextId``)
and the ``inin-ratelimit-*`` headers of the caller's token.
"""

from __future__ import annotations

import random
import threading
import uuid

from reconciler.sandbox import bodies
from reconciler.sandbox.auth import TokenIssuer, require_scope
from reconciler.sandbox.clock import Clock
from reconciler.sandbox.errors import ApiError, OAuthError, server_fault
from reconciler.sandbox.invoke import invoke
from reconciler.sandbox.messages import Request, Response, json_body
from reconciler.sandbox.ratelimit import RateLimiter
from reconciler.sandbox.routes import Route, envelope, paging, route
from reconciler.sandbox.settings import READ_SCOPE, WRITE_SCOPE, SandboxSettings
from reconciler.sandbox.stats import Stats
from reconciler.sandbox.store import ModelStore

CORRELATION_HEADER = "ININ-Correlation-Id"
FAULT_STATUSES = (500, 502, 503, 504)
WRITE_KINDS = frozenset({"create", "update", "delete"})


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
        response.headers.update(self.limiter.headers(_bearer(request)))
        return response

    def reject(self, error: ApiError) -> Response:
        """An error answer for a request the transport refused before it reached ``handle``."""
        context = str(uuid.uuid4())
        headers = {**error.headers, CORRELATION_HEADER: context, **self.limiter.headers(None)}
        return Response(error.status, error.body(context), headers)

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
        response = self._models(target, request)
        if target.kind in WRITE_KINDS and self._lose_reply():
            self.stats.add("replies_lost")
            raise server_fault(502)
        return response

    def _maybe_fail(self, kind: str) -> None:
        if kind == "token" and not self.settings.error_rate_token:
            return
        with self._random_lock:
            unlucky = self._random.random() < self.settings.error_rate
            status = self._random.choice(FAULT_STATUSES)
        if unlucky:
            self.stats.add("errors_injected")
            raise server_fault(status)

    def _lose_reply(self) -> bool:
        """True for the fraction of writes whose reply is lost (no draw when the mode is off,
        so seeded runs of the other faults are unchanged)."""
        rate = self.settings.lost_reply_rate
        if rate <= 0.0:
            return False
        with self._random_lock:
            return self._random.random() < rate

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
        body = json_body(request)
        if target.kind == "create":
            return Response(202, store.create(bodies.parse_model_write(body, is_update=False)))
        if target.kind == "update":
            write = bodies.parse_model_write(body, is_update=True)
            return Response(202, store.update(model_id, write))
        text, options = bodies.parse_invoke(body)
        return Response(200, invoke(store.active(model_id), text, options))


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token if scheme.lower() == "bearer" else None
