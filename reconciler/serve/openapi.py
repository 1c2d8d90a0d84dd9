"""The OpenAPI 3 document of every route, kept as data beside the routes it describes.

A test compares its paths with the application's routes, so a route cannot be added without
being described. Bodies are described by their fields; the model itself is the ModelEndpoint
JSON Schema the page's form is built from (``/api/schemas/model-endpoint``).
"""

from __future__ import annotations

from typing import Any

from reconciler import __version__
from reconciler.serve.openapi_sync import sync_paths

_ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}
_PROBLEMS = {
    "type": "object",
    "properties": {
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    k: {"type": ["string", "integer", "null"]}
                    for k in ("file", "line", "path", "rule", "message", "hint", "severity")
                },
            },
        }
    },
}
_GUARD = {
    "type": "object",
    "properties": {
        "verdict": {"enum": ["allow", "flag", "block"]},
        "reasons": {"type": "array", "items": {"type": "string"}},
    },
}
_ENV = [{"name": "env", "in": "path", "required": True, "schema": {"type": "string"}}]


def _json(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema or {"type": "object"}}},
    }


def _errors(*statuses: int) -> dict[str, Any]:
    words = {
        400: "malformed JSON or a missing field",
        401: "no or bad token",
        403: "the token's role lacks the right",
        404: "unknown environment, model or job",
        409: "the model is not ACTIVE",
        413: "body over 1 MiB",
        415: "body not application/json",
        429: "per-token rate limit; see Retry-After",
        503: "the Gateway API cannot be reached",
    }
    return {str(s): _json(words[s], _ERROR) for s in statuses}


def _get(summary: str, role: str | None, ok: dict[str, Any], *errors: int) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {"200": ok, **_errors(*errors)}}
    op["security"] = [{"bearer": []}] if role else []
    op["x-role"] = role or "none"
    return {"get": op}


def _post(
    summary: str, role: str, body: dict[str, Any], responses: dict[str, Any], *errors: int
) -> dict[str, Any]:
    return {
        "post": {
            "summary": summary,
            "x-role": role,
            "security": [{"bearer": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": {**responses, **_errors(400, 401, 403, 413, 415, 429, *errors)},
        }
    }


def _viewer_doc(what: str) -> dict[str, Any]:
    got = _get(
        f"The {what} document, as the CLI prints it with --format json",
        "viewer",
        _json(f"the {what} document"),
        401,
        403,
        404,
        429,
        503,
    )
    got["get"]["parameters"] = _ENV
    return got


def _paths() -> dict[str, Any]:
    model_ref = {"$ref": "/api/schemas/model-endpoint"}
    configure_body = {
        "type": "object",
        "required": ["env", "model"],
        "properties": {
            "env": {"type": "string"},
            "model": {"oneOf": [model_ref, {"type": "object", "description": "flat shape"}]},
            "apply": {"type": "boolean", "default": False},
        },
    }
    invoke_body = {
        "type": "object",
        "required": ["env", "model", "input"],
        "properties": {k: {"type": "string"} for k in ("env", "model", "input")},
    }
    return {
        "/healthz": _get("Liveness", None, _json('{"status": "ok"}')),
        "/metrics": _get(
            "Prometheus text exposition (viewer off loopback)",
            None,
            {"description": "metrics", "content": {"text/plain": {}}},
        ),
        "/openapi.json": _get("This document", None, _json("OpenAPI 3")),
        "/": _get("The configurator page", None, {"description": "HTML page"}),
        "/static/{name}": _get("The page's script and style", None, {"description": "file"}, 404),
        "/api/schemas/model-endpoint": _get(
            "The ModelEndpoint JSON Schema", None, _json("JSON Schema")
        ),
        "/api/environments": _get(
            "Environments with region and models", "viewer", _json("environments"), 401, 403, 429
        ),
        "/api/environments/{env}/plan": _viewer_doc("plan (main job --dry-run)"),
        "/api/environments/{env}/drift": _viewer_doc("drift"),
        "/api/environments/{env}/cost": _viewer_doc("cost"),
        "/api/validate": _post(
            "Problems of a model in the context of its environment",
            "viewer",
            {"type": "object", "required": ["env", "model"]},
            {"200": _json("problems, empty when valid", _PROBLEMS)},
            404,
        ),
        "/api/configure-model": _post(
            "Commit a model on a new branch (201) or apply it directly (202)",
            "editor (admin with apply)",
            configure_body,
            {
                "201": _json("branch, commit, pull request, plan and cost delta"),
                "202": _json("as 201 plus the job to poll"),
                "400": _json("the model is invalid", _PROBLEMS),
            },
            404,
            503,
        ),
        "/api/jobs/{id}": {
            "get": {
                **_get("An apply job", "viewer", _json("job"), 401, 403, 404, 429)["get"],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
            }
        },
        "/api/invoke-protected": _post(
            "Guarded invocation, as reconcile invoke",
            "invoker",
            invoke_body,
            {
                "200": _json("result, latencyMs, usage, costUsd and the guard verdict"),
                "422": _json(
                    "blocked by the guard", {"type": "object", "properties": {"guard": _GUARD}}
                ),
            },
            404,
            409,
            503,
        ),
    }


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "reconcile serve",
            "version": __version__,
            "description": "The configurator service of reconcile (CONTRACT section 7).",
        },
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": {**_paths(), **sync_paths()},
    }
