"""The Starlette application: routes, error answers and request metrics.

Routes are thin: authorize, read the body, hand plain values to the module that does the work
(in a worker thread, since the engine is synchronous), answer JSON. Errors of every kind end
in ``_error``: an ``ApiError`` as it says, an engine error by its kind, anything else as a bare
500 whose detail goes to the log only, so no answer carries a trace or a secret and one
failing request never stops the service.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any

import anyio.to_thread
from anyio import CapacityLimiter
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse as _JSONResponse
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Scope

from reconciler.manifests.schemas import MODEL_SCHEMA, load_schema
from reconciler.serve import overview, views
from reconciler.serve.access import Measured
from reconciler.serve.auth import authorize
from reconciler.serve.bodies import field, json_object
from reconciler.serve.configure import ConfigureRequest, configure
from reconciler.serve.errors import ApiError, from_reconcile, problem_item
from reconciler.serve.invoke import InvokeCall, invoke_protected
from reconciler.serve.logs import AccessLog
from reconciler.serve.openapi import openapi_document
from reconciler.serve.payload import to_manifest
from reconciler.serve.readiness import readiness
from reconciler.serve.service import Service
from reconciler.serve.staging import staged
from reconciler.serve.tokens import Role
from reconciler.structs.errors import ReconcileError
from reconciler.structs.redaction import redact, redact_value

log = logging.getLogger("reconciler.serve")
Endpoint = Callable[[Request], Awaitable[Response]]
_PAGE_FILES = {
    "app.js": "text/javascript",
    "diff.js": "text/javascript",
    "style.css": "text/css",
    "icon.svg": "image/svg+xml",
}
_MODEL_NAME = re.compile(r"\A[a-z0-9][a-z0-9-]{1,62}[a-z0-9]\Z")  # as payload.name_of
_PAGE_POLICY = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


class JSONResponse(_JSONResponse):
    """JSON answers; values the engine leaves as Decimal or datetime are written as text, and
    every resolved secret is blanked (``structs.redaction``), as in the CLI's output."""

    def render(self, content: Any) -> bytes:
        safe = redact_value(content)
        return json.dumps(safe, default=str, ensure_ascii=False).encode("utf-8")


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    ready, body = await run_in_threadpool(readiness, _service(request).connections)
    return JSONResponse(body, status_code=200 if ready else 503)


async def sync_status(request: Request) -> Response:
    service = _service(request)
    authorize(service, request, Role.VIEWER, what="read the sync agent's status")
    env = request.path_params["env"]
    views.require_environment(service.connections, env)
    return JSONResponse(service.sync.status(env))


async def metrics(request: Request) -> Response:
    service = _service(request)
    if service.settings.tokens is not None or not service.settings.loopback:
        authorize(service, request, Role.VIEWER, what="read metrics")
    return Response(service.metrics.exposition(), media_type="text/plain; version=0.0.4")


async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document())


async def page(request: Request) -> Response:
    text = resources.files("reconciler.serve").joinpath("web", "index.html").read_bytes()
    return Response(text, media_type="text/html", headers={"Content-Security-Policy": _PAGE_POLICY})


async def page_file(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in _PAGE_FILES:
        raise ApiError(404, "not-found", f"no page file '{name}'")
    data = resources.files("reconciler.serve").joinpath("web", name).read_bytes()
    return Response(data, media_type=_PAGE_FILES[name])


async def model_schema(request: Request) -> Response:
    return JSONResponse(load_schema(MODEL_SCHEMA))


async def catalogue(request: Request) -> Response:
    schema = load_schema(MODEL_SCHEMA)
    providers = tuple(schema["properties"]["spec"]["properties"]["provider"]["enum"])
    return JSONResponse(overview.catalogue(providers))


async def environments(request: Request) -> Response:
    service = _service(request)
    authorize(service, request, Role.VIEWER, what="list environments")
    return JSONResponse(await run_in_threadpool(views.environments, service.connections))


def _view(render: Callable[[Any, str], dict[str, Any]], what: str) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        service = _service(request)
        authorize(service, request, Role.VIEWER, what=what)
        env = request.path_params["env"]
        views.require_environment(service.connections, env)
        return JSONResponse(await run_in_threadpool(render, service.connections, env))

    return endpoint


async def validate(request: Request) -> Response:
    service = _service(request)
    authorize(service, request, Role.VIEWER, what="validate")
    body = await json_object(request, limit=service.settings.max_body_bytes)
    env = field(body, "env", str)
    views.require_environment(service.connections, env)
    try:
        document = to_manifest(field(body, "model", dict))
    except ApiError as exc:
        if "problems" not in exc.body():
            raise
        return JSONResponse(exc.body())  # as you type, an unusable name is one more problem

    def check() -> dict[str, Any]:
        with staged(service.served, env, document) as candidate:
            return {
                "problems": [problem_item(p) for p in candidate.errors],
                "warnings": [problem_item(p) for p in candidate.warnings],
            }

    return JSONResponse(await run_in_threadpool(check))


async def configure_model(request: Request) -> Response:
    service = _service(request)
    principal = authorize(service, request, Role.EDITOR, what="configure models")
    body = await json_object(request, limit=service.settings.max_body_bytes)
    call = ConfigureRequest(
        env=field(body, "env", str),
        model=field(body, "model", dict),
        apply=bool(field(body, "apply", bool, required=False)),
        dry_run=bool(field(body, "dryRun", bool, required=False)),
        base_commit=field(body, "baseCommit", str, required=False),
        replace_existing=bool(field(body, "replaceExisting", bool, required=False)),
        allow_over_budget=bool(field(body, "allowOverBudget", bool, required=False)),
    )
    views.require_environment(service.connections, call.env)
    status, answer = await run_in_threadpool(configure, service, principal, call)
    return JSONResponse(answer, status_code=status)


async def job(request: Request) -> Response:
    service = _service(request)
    authorize(service, request, Role.VIEWER, what="read jobs")
    found = service.jobs.get(request.path_params["id"])
    if found is None:
        raise ApiError(404, "not-found", "no such job (the service keeps the newest ones)")
    return JSONResponse(found.as_dict())


async def jobs(request: Request) -> Response:
    service = _service(request)
    authorize(service, request, Role.VIEWER, what="read jobs")
    env = request.query_params.get("env")
    if env is not None:
        views.require_environment(service.connections, env)
    limit = _limit(request, default=20)
    return JSONResponse({"jobs": [j.as_dict() for j in service.jobs.recent(env=env, limit=limit)]})


async def me(request: Request) -> Response:
    principal = authorize(_service(request), request, Role.VIEWER, what="say who you are")
    return JSONResponse({"name": principal.name, "role": principal.role.label})


async def env_models(request: Request) -> Response:
    service = _service(request)
    authorize(service, request, Role.VIEWER, what="list models")
    env = request.path_params["env"]
    views.require_environment(service.connections, env)
    found = await run_in_threadpool(overview.models, service.connections, service.served, env)
    return JSONResponse(found)


async def env_model(request: Request) -> Response:
    service = _service(request)
    authorize(service, request, Role.VIEWER, what="read models")
    env, name = request.path_params["env"], request.path_params["name"]
    views.require_environment(service.connections, env)
    if not _MODEL_NAME.match(name):
        raise ApiError(404, "not-found", f"no model '{name}' in environment '{env}'")
    found = await run_in_threadpool(overview.model, service.connections, service.served, env, name)
    return JSONResponse(found)


async def env_history(request: Request) -> Response:
    service = _service(request)
    authorize(service, request, Role.VIEWER, what="read the audit history")
    env = request.path_params["env"]
    views.require_environment(service.connections, env)
    limit = _limit(request, default=50)
    before = request.query_params.get("before") or None
    model = request.query_params.get("model") or None
    found = await run_in_threadpool(
        lambda: overview.history(
            service.settings.records, env, limit=limit, before=before, model=model
        )
    )
    return JSONResponse(found)


async def env_cost_history(request: Request) -> Response:
    service = _service(request)
    authorize(service, request, Role.VIEWER, what="read costs")
    env = request.path_params["env"]
    views.require_environment(service.connections, env)
    found = await run_in_threadpool(
        service.cost_history.points, service.connections, service.served, env
    )
    return JSONResponse(found)


def _limit(request: Request, *, default: int, most: int = 500) -> int:
    text = request.query_params.get("limit")
    if text is None:
        return default
    if not text.isdigit() or not 1 <= int(text) <= most:
        raise ApiError(400, "invalid", f"limit must be a whole number from 1 to {most}")
    return int(text)


async def invoke(request: Request) -> Response:
    service = _service(request)
    authorize(service, request, Role.INVOKER, what="invoke models")
    body = await json_object(request, limit=service.settings.max_body_bytes)
    call = InvokeCall(
        env=field(body, "env", str), model=field(body, "model", str), text=field(body, "input", str)
    )
    views.require_environment(service.connections, call.env)
    slots = _invoke_slots(request)
    timed = await anyio.to_thread.run_sync(invoke_protected, service, call, limiter=slots)
    timing = f"total;dur={timed.total_ms:.2f}, model;dur={timed.model_ms:.2f}"
    return JSONResponse(timed.body, headers={"Server-Timing": timing})


def _invoke_slots(request: Request) -> CapacityLimiter:
    """The threads invocations run in: ``--invoke-threads``, not one per request in flight. A
    hundred threads each waiting for the interpreter lock after its model call answered spent
    up to 25 ms (p99) doing so; with sixteen, the guard and bookkeeping take about 3 ms at p99
    and the service answers more calls a second, since a call waiting for a slot holds no lock.
    Each slot holds one model call in flight, so slow models want more. Created on first use,
    inside the application's event loop."""
    state = request.app.state
    if getattr(state, "invoke_slots", None) is None:
        state.invoke_slots = CapacityLimiter(_service(request).settings.invoke_threads)
    slots: CapacityLimiter = state.invoke_slots
    return slots


ROUTES = [
    Route("/healthz", healthz),
    Route("/readyz", readyz),
    Route("/metrics", metrics),
    Route("/openapi.json", openapi),
    Route("/", page),
    Route("/static/{name}", page_file),
    Route("/api/schemas/model-endpoint", model_schema),
    Route("/api/catalogue", catalogue),
    Route("/api/environments", environments),
    Route("/api/environments/{env}/plan", _view(views.plan, "read plans")),
    Route("/api/environments/{env}/drift", _view(views.drift, "read drift")),
    Route("/api/environments/{env}/cost", _view(views.cost, "read costs")),
    Route("/api/environments/{env}/sync", sync_status),
    Route("/api/validate", validate, methods=["POST"]),
    Route("/api/configure-model", configure_model, methods=["POST"]),
    Route("/api/jobs", jobs),
    Route("/api/jobs/{id}", job),
    Route("/api/me", me),
    Route("/api/environments/{env}/models", env_models),
    Route("/api/environments/{env}/models/{name}", env_model),
    Route("/api/environments/{env}/history", env_history),
    Route("/api/environments/{env}/cost/history", env_cost_history),
    Route("/api/invoke-protected", invoke, methods=["POST"]),
]


async def _error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, ApiError):
        error = exc
    elif isinstance(exc, ReconcileError):
        error = from_reconcile(exc)
    elif isinstance(exc, HTTPException):
        code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http")
        # a 405 carries the methods the route takes in Allow (RFC 9110), as Starlette set it
        error = ApiError(exc.status_code, code, str(exc.detail), headers=dict(exc.headers or {}))
    else:
        trace = "".join(traceback.format_exception(exc))
        log.error(
            "unexpected error on %s %s: %s", request.method, _route_of(request.scope), redact(trace)
        )
        error = ApiError(500, "internal", "an unexpected error occurred; it was logged")
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


def _route_of(scope: Scope) -> str:
    for route in ROUTES:
        match, _ = route.matches(scope)
        if match is not Match.NONE:
            return route.path
    return "unmatched"


def build_app(service: Service, access_log: AccessLog) -> ASGIApp:
    """The application, wrapped outermost in ``access.Measured`` so that every answer, a 500
    from Starlette's own error middleware included, has its request id and access line."""
    handlers: dict[Any, Any] = {Exception: _error, HTTPException: _error}
    handlers[ApiError] = _error
    handlers[ReconcileError] = _error
    app = Starlette(routes=ROUTES, exception_handlers=handlers)
    app.state.service = service
    return Measured(app, metrics=service.metrics, access_log=access_log, route_of=_route_of)
