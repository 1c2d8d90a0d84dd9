"""The OpenAPI 3 document of every route, kept as data beside the routes it describes.

A test compares its paths with the application's routes, so a route cannot be added without
being described, and CI runs schemathesis against ``serve --sandbox`` on the shipped example
repository with every check: answers must match what is written here, request schemas refuse
exactly what the service refuses (no ``null`` where a 400 follows), parameters carry examples
that name real environments and models so generated requests reach the engine rather than a
404, and links lead from each list to its items for the stateful phase. The model itself is
the ModelEndpoint JSON Schema the page's form is built from (``/api/schemas/model-endpoint``).
"""

from __future__ import annotations

from typing import Any

from reconciler import __version__
from reconciler.serve.openapi_sync import ERROR_SCHEMA, sync_paths

EXAMPLE_ENV = "staging"  # an environment of the shipped example repository
EXAMPLE_MODEL = "support-classifier"  # one of its models

_ERROR = ERROR_SCHEMA
_PROBLEMS = {
    "type": "object",
    "required": ["problems"],
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
        "decision": {"type": "string"},
        "scores": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "detector": {"enum": ["rules", "classifier", "configured classifier"]},
                    "score": {"type": "number"},
                    "threshold": {"type": "number"},
                    "reached": {"type": "boolean"},
                },
            },
        },
    },
}
_WORDS = {
    400: "malformed JSON, a missing or mistyped field, or a bad query parameter",
    401: "no or bad token",
    403: "the token's role lacks the right",
    404: "unknown environment, model or job",
    409: "a conflict with the current state: error.code says which",
    413: "body over 1 MiB",
    415: "body not application/json",
    422: "refused as it stands: error.code says why",
    429: "per-token rate limit; see Retry-After",
    503: "the Gateway API cannot be reached",
}
_READ = (401, 403, 429)
_WRITE = (400, 401, 403, 413, 415, 429)


def _path(name: str, example: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "minLength": 1},
        "example": example,
    }


_ENV = _path("env", EXAMPLE_ENV, "an environment: a folder under environments/")
_NAME = _path("name", EXAMPLE_MODEL, "a model's metadata.name")


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


_LIMIT = _query(
    "limit", "how many, newest first", {"type": "integer", "minimum": 1, "maximum": 500}
)


def _json(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema or {"type": "object"}}},
    }


def _errors(*statuses: int) -> dict[str, Any]:
    out = {str(s): _json(_WORDS[s], _ERROR) for s in statuses}
    if 429 in statuses:
        out["429"]["headers"] = {"Retry-After": {"schema": {"type": "string"}}}
    return out


def _op(
    operation_id: str,
    summary: str,
    role: str | None,
    ok: dict[str, Any],
    errors: tuple[int, ...] = (),
    *,
    parameters: tuple[dict[str, Any], ...] = (),
    links: dict[str, Any] | None = None,
) -> dict[str, Any]:
    if links:
        ok = {**ok, "links": links}
    op: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "x-role": role or "none",
        "security": [{"bearer": []}] if role else [],
        "responses": {"200": ok, **_errors(*errors)},
    }
    if parameters:
        op["parameters"] = list(parameters)
    return op


def _get(*args: Any, **kwargs: Any) -> dict[str, Any]:
    return {"get": _op(*args, **kwargs)}


def _post(
    operation_id: str,
    summary: str,
    role: str,
    body: dict[str, Any],
    *,
    responses: dict[str, Any],
    errors: tuple[int, ...],
    example: dict[str, Any],
) -> dict[str, Any]:
    return {
        "post": {
            "operationId": operation_id,
            "summary": summary,
            "x-role": role,
            "security": [{"bearer": []}],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": body, "example": example}},
            },
            # The operation's own answers win over the common ones (a 400 with problems).
            "responses": {**_errors(*_WRITE, *errors), **responses},
        }
    }


def _link(operation_id: str, **parameters: str) -> dict[str, Any]:
    return {"operationId": operation_id, "parameters": parameters}


def _env_links(first: str) -> dict[str, Any]:
    """Links from an answer naming an environment at ``first`` to every per-environment view."""
    return {
        view: _link(f"get{view[0].upper()}{view[1:]}", env=first)
        for view in ("plan", "drift", "cost", "models", "history", "costHistory")
    }


def _optional(kind: str, description: str) -> dict[str, Any]:
    """An optional field the service takes as absent when it is null."""
    return {"type": [kind, "null"], "description": description}


def _example_model() -> dict[str, Any]:
    return {
        "apiVersion": "reconciler/v1",
        "kind": "ModelEndpoint",
        "metadata": {"name": "ticket-triage", "labels": {"team": "support"}},
        "spec": {
            "provider": "openai",
            "modelId": "gpt-4o-mini",
            "credentials": {"apiKey": "${STAGING_OPENAI_API_KEY}"},
            "configuration": {"temperature": 0.1, "maxTokens": 500},
            "promptTemplate": "Classify the ticket between the markers.\n<ticket>{input}</ticket>",
            "responseSchema": {
                "type": "object",
                "properties": {"category": {"type": "string"}},
                "required": ["category"],
            },
            "usage": {"requestsPerDay": 1000, "avgPromptTokens": 400, "avgCompletionTokens": 50},
        },
    }


# Any JSON value the service reads: numbers within +/-2^53 (past it a double no longer holds
# an integer exactly, and the service answers 400), at any depth, as a body's extra fields
# and a model's fields may hold.
_JSON = {"$ref": "#/components/schemas/JsonValue"}
_JSON_VALUE = {
    "anyOf": [
        {"type": ["string", "boolean", "null"]},
        {"type": "number", "minimum": -(2**53), "maximum": 2**53},
        {"type": "array", "items": _JSON},
        {"type": "object", "additionalProperties": _JSON},
    ]
}


def _model_field(*, strict: bool) -> dict[str, Any]:
    """A model as a body holds it. Validate takes any object (numbers within +/-2^53) and
    answers 200 with the problems it finds; configure checks the same way and answers 400 with
    them (``strict``: its fields are left open here, since what makes a model valid is the
    ModelEndpoint schema and the rules beyond it, not this document)."""
    field: dict[str, Any] = {
        "type": "object",
        "description": "a ModelEndpoint manifest (its JSON Schema is /api/schemas/model-endpoint) "
        "or the flat shape: name, provider, modelId, credentials, configuration, "
        "promptTemplate, responseSchema, description, labels",
    }
    return field if strict else {**field, "additionalProperties": _JSON}


def _bodies() -> dict[str, dict[str, Any]]:
    validate = {
        "type": "object",
        "additionalProperties": _JSON,
        "required": ["env", "model"],
        "properties": {"env": {"type": "string"}, "model": _model_field(strict=False)},
    }
    configure = {
        "type": "object",
        "additionalProperties": _JSON,
        "required": ["env", "model"],
        "properties": {
            "env": {"type": "string"},
            "model": _model_field(strict=True),
            "apply": _optional("boolean", "apply directly (admin, policy.serveApply)"),
            "dryRun": _optional("boolean", "everything but the commit, answered 200"),
            "baseCommit": {
                **_optional("string", "the commit the edit started from"),
                "pattern": "^[0-9a-f]{7,40}$",
            },
            "replaceExisting": _optional("boolean", "overwrite an existing model knowingly"),
            "allowOverBudget": _optional("boolean", "submit a change over budget knowingly"),
        },
    }
    invoke = {
        "type": "object",
        "additionalProperties": _JSON,
        "required": ["env", "model", "input"],
        "properties": {
            "env": {"type": "string"},
            "model": {"type": "string"},
            "input": {
                "type": "string",
                "pattern": r"\S",
                "description": "the text to screen and send; empty or only whitespace is a 400",
            },
        },
    }
    return {"validate": validate, "configure": configure, "invoke": invoke}


def _paths() -> dict[str, Any]:
    bodies = _bodies()
    example = _example_model()
    env_views = {
        "plan": ("getPlan", "The main job's --dry-run --format json document", (404, 503)),
        "drift": ("getDrift", "The reconcile drift --format json document", (404, 503)),
        "cost": ("getCost", "The reconcile cost --format json document", (404,)),
    }
    paths: dict[str, Any] = {
        "/healthz": _get("getHealth", "Liveness", None, _json('{"status": "ok"}')),
        "/metrics": _get(
            "getMetrics",
            "Prometheus text exposition (viewer whenever --tokens is given)",
            None,
            {"description": "metrics", "content": {"text/plain": {"schema": {"type": "string"}}}},
            (401, 403, 429),
        ),
        "/openapi.json": _get("getOpenApi", "This document", None, _json("OpenAPI 3")),
        "/": _get(
            "getPage",
            "The configurator page",
            None,
            {"description": "HTML page", "content": {"text/html": {"schema": {"type": "string"}}}},
        ),
        "/static/{name}": _get(
            "getPageFile",
            "The page's scripts and style",
            None,
            {
                "description": "file",
                "content": {
                    "text/javascript": {"schema": {"type": "string"}},
                    "text/css": {"schema": {"type": "string"}},
                    "image/svg+xml": {"schema": {"type": "string"}},
                },
            },
            (404,),
            parameters=(_path("name", "app.js", "app.js, diff.js, style.css or icon.svg"),),
        ),
        "/api/schemas/model-endpoint": _get(
            "getModelSchema", "The ModelEndpoint JSON Schema", None, _json("JSON Schema")
        ),
        "/api/catalogue": _get(
            "getCatalogue",
            "The shipped price catalogue: each provider's models with USD per 1M tokens",
            None,
            _json("providers"),
        ),
        "/api/me": _get("getMe", "Who the token is: name and role", "viewer", _json("me"), _READ),
        "/api/environments": _get(
            "listEnvironments",
            "Environments with region and models",
            "viewer",
            _json("environments"),
            _READ,
            links=_env_links("$response.body#/environments/0/name"),
        ),
        "/api/environments/{env}/models": _get(
            "getModels",
            "Each model in git or live: state, version, monthly cost, last change",
            "viewer",
            _json("models and unmanaged endpoints"),
            (*_READ, 404, 503),
            parameters=(_ENV,),
            links={
                "model": _link(
                    "getModel", env="$request.path.env", name="$response.body#/models/0/name"
                ),
                "invoke": {
                    "operationId": "invokeProtected",
                    "requestBody": {
                        "env": "$request.path.env",
                        "model": "$response.body#/models/0/name",
                        "input": "My parcel arrived broken, what can I do?",
                    },
                },
            },
        ),
        "/api/environments/{env}/models/{name}": _get(
            "getModel",
            "One model as committed (file, manifest, commit) and its live record",
            "viewer",
            _json("model"),
            (*_READ, 404, 422, 503),
            parameters=(_ENV, _NAME),
        ),
        "/api/environments/{env}/history": _get(
            "getHistory",
            "Audit entries, newest first",
            "viewer",
            _json("entries and the next page's cursor"),
            (*_READ, 400, 404, 409),
            parameters=(
                _ENV,
                _LIMIT,
                _query("before", "the auditId the previous page ended at"),
                _query("model", "only this model's entries"),
            ),
        ),
        "/api/environments/{env}/cost/history": _get(
            "getCostHistory",
            "Projected monthly cost of each committed snapshot's manifests, and the budget",
            "viewer",
            _json("budgetUsd and points"),
            (*_READ, 404),
            parameters=(_ENV,),
        ),
        "/api/validate": _post(
            "validateModel",
            "Problems of a model in the context of its environment",
            "viewer",
            bodies["validate"],
            responses={"200": _json("problems and warnings, empty when valid", _PROBLEMS)},
            errors=(404,),
            example={"env": EXAMPLE_ENV, "model": example},
        ),
        "/api/configure-model": _post(
            "configureModel",
            "Commit a model on a new branch (201) or apply it directly (202)",
            "editor (admin with apply)",
            bodies["configure"],
            responses={
                "200": _json("the dry run: everything but the commit"),
                "201": _json("branch, commit, pull request, plan, changes and cost delta"),
                "202": {
                    **_json("as 201 plus the job to poll"),
                    "links": {"job": _link("getJob", id="$response.body#/job/id")},
                },
                "400": _json(
                    "the model is invalid (problems), or the body is malformed (error)",
                    {"anyOf": [_PROBLEMS, _ERROR]},
                ),
                "422": _json("the environment's budget would block the change", _ERROR),
            },
            errors=(404, 409, 503),
            example={"env": EXAMPLE_ENV, "model": example, "dryRun": True},
        ),
        "/api/jobs": _get(
            "listJobs",
            "Recent apply jobs, newest first, kept across restarts",
            "viewer",
            _json("jobs"),
            (*_READ, 400, 404),
            parameters=(_query("env", "only this environment's jobs"), _LIMIT),
            links={"job": _link("getJob", id="$response.body#/jobs/0/id")},
        ),
        "/api/jobs/{id}": _get(
            "getJob",
            "An apply job and each model's outcome",
            "viewer",
            _json("job"),
            (*_READ, 404),
            parameters=(_path("id", "0" * 32, "the job's id"),),
        ),
        "/api/invoke-protected": _post(
            "invokeProtected",
            "Guarded invocation, as reconcile invoke",
            "invoker",
            bodies["invoke"],
            responses={
                "200": _json("result, latencyMs, usage, costUsd and the guard verdict"),
                "422": _json(
                    "blocked by the guard", {"type": "object", "properties": {"guard": _GUARD}}
                ),
            },
            errors=(404, 409, 503),
            example={
                "env": "dev",
                "model": EXAMPLE_MODEL,
                "input": "My parcel arrived broken",
            },
        ),
    }
    for view, (operation_id, summary, errors) in env_views.items():
        paths[f"/api/environments/{{env}}/{view}"] = _get(
            operation_id,
            summary,
            "viewer",
            _json(f"the {view} document"),
            (*_READ, *errors),
            parameters=(_ENV,),
        )
    return paths


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "reconcile serve",
            "version": __version__,
            "description": "The configurator service of reconcile: read an environment's plan, "
            "drift, cost, models and history; validate and configure models (a branch to "
            "review, or a direct apply); try models through the input guard.",
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"JsonValue": _JSON_VALUE},
        },
        "paths": {**_paths(), **sync_paths()},
    }
