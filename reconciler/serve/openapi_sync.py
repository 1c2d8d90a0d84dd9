"""The OpenAPI entries of the routes the sync agent adds to the service: ``/readyz`` and
``/api/environments/{env}/sync``. Kept beside ``openapi`` rather than inside it so the
agent's routes are described where they are owned; ``openapi_document`` merges them."""

from __future__ import annotations

from typing import Any

# The error body of every route, here because ``openapi`` imports this module (not the reverse).
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}
_ERRORS = {
    "401": "no or bad token",
    "403": "the token's role lacks the right",
    "404": "unknown environment",
    "429": "per-token rate limit; see Retry-After",
}
_READY = {
    "type": "object",
    "required": ["status", "checks"],
    "properties": {
        "status": {"enum": ["ready", "not-ready"]},
        "checks": {
            "type": "object",
            "properties": {
                "git": {"type": "string"},
                "lockDirectory": {"type": "string"},
                "gateway": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
    },
}
_STATUS = {
    "type": "object",
    "required": ["environment", "agent", "lastRound"],
    "properties": {
        "environment": {"type": "string"},
        "agent": {"type": "boolean", "description": "whether serve --sync runs its agent"},
        "interval": {"type": "number"},
        "rounds": {"type": "integer"},
        "failuresInARow": {"type": "integer"},
        "policy": {"type": ["object", "null"]},
        "lastRound": {
            "type": ["object", "null"],
            "description": "the last round as reconcile sync --once --format json prints it",
        },
    },
}


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def sync_paths() -> dict[str, Any]:
    errors = {code: _json(words, ERROR_SCHEMA) for code, words in _ERRORS.items()}
    errors["429"]["headers"] = {"Retry-After": {"schema": {"type": "string"}}}
    return {
        "/readyz": {
            "get": {
                "operationId": "getReadiness",
                "summary": "Readiness: git readable, lock directory writable, each Gateway "
                "reachable (503 names the failed check)",
                "x-role": "none",
                "security": [],
                "responses": {
                    "200": _json("ready", _READY),
                    "503": _json("not ready: checks says which", _READY),
                },
            }
        },
        "/api/environments/{env}/sync": {
            "get": {
                "operationId": "getSyncStatus",
                "summary": "The sync agent of serve --sync: policy, rounds, the last round",
                "x-role": "viewer",
                "security": [{"bearer": []}],
                "parameters": [
                    {
                        "name": "env",
                        "in": "path",
                        "required": True,
                        "description": "an environment: a folder under environments/",
                        "schema": {"type": "string", "minLength": 1},
                        "example": "staging",
                    }
                ],
                "responses": {"200": _json("the agent's status", _STATUS), **errors},
            }
        },
    }
