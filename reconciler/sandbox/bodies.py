"""Validation of request bodies: every field checked, unknown fields refused by name.

Read-only server fields (``id``, ``status``...) are accepted and ignored, because clients send
a model they read back with PUT. Everything else unknown is a 400 that names the field, so a
typo never silently drops a setting. Which fields a model has comes from the reconciler's
field table (``structs/fields.py``), so the emulator and the reconciler cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reconciler.sandbox.errors import invalid_field
from reconciler.structs import fields

PROVIDERS = ("openai", "azure", "anthropic", "bedrock")
SERVER_FIELDS = frozenset(
    {"id", "status", "errorReason", "errors", "dateCreated", "dateModified", "selfUri"}
)
CREDENTIAL_FIELDS = ("apiKey", "endpoint", "region")
CONFIG_LIMITS: dict[str, tuple[float, float, bool]] = {
    "temperature": (0.0, 2.0, False),
    "maxTokens": (1, 1_000_000, True),
    "topP": (0.0, 1.0, False),
}
STRING_FIELDS = {"name": 128, "description": 1024, "modelId": 256, "promptTemplate": 100_000}


@dataclass(frozen=True)
class ModelWrite:
    """A validated create or update: the stored fields, the key (if given) and the version."""

    fields: dict[str, Any]
    api_key: str | None
    version: int | None


def parse_model_write(body: Any, *, is_update: bool) -> ModelWrite:
    """Check a POST or PUT body of ``/api/v2/ai/models``."""
    if not isinstance(body, dict):
        raise invalid_field("(body)", "must be a JSON object")
    allowed = {f.name for f in fields.model_fields().sent} | {"version"}
    for key in body:
        if key not in allowed and key not in SERVER_FIELDS:
            raise invalid_field(key, "is not a field of a model")
    stored: dict[str, Any] = {}
    for key, limit in STRING_FIELDS.items():
        if key in body:
            stored[key] = _string(body[key], key, limit=limit)
    for key in ("name", "modelId"):
        if not stored.get(key, "").strip():
            raise invalid_field(key, "is required")
    stored["provider"] = _provider(body.get("provider"))
    credentials, api_key = _credentials(body.get("credentials"), stored["provider"])
    stored["credentials"] = credentials
    if "configuration" in body:
        stored["configuration"] = _configuration(body["configuration"])
    if "responseSchema" in body:
        stored["responseSchema"] = _response_schema(body["responseSchema"])
    stored["labels"] = _labels(body.get("labels", {}))
    # A field of the table without a check of its own here is kept as sent.
    stored.update({k: v for k, v in body.items() if k in allowed - {"version"} - set(stored)})
    if api_key is None and not is_update:
        raise invalid_field("credentials.apiKey", "is required when a model is created")
    return ModelWrite(stored, api_key, _version(body, required=is_update))


def _string(value: Any, field: str, *, limit: int) -> str:
    if not isinstance(value, str):
        raise invalid_field(field, "must be a string")
    if len(value) > limit:
        raise invalid_field(field, f"is longer than {limit} characters")
    return value


def _provider(value: Any) -> str:
    if value not in PROVIDERS:
        raise invalid_field("provider", f"must be one of {', '.join(PROVIDERS)}")
    return str(value)


def _credentials(value: Any, provider: str) -> tuple[dict[str, str], str | None]:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise invalid_field("credentials", "must be an object")
    for key, item in value.items():
        if key not in CREDENTIAL_FIELDS:
            raise invalid_field(f"credentials.{key}", "is not a credentials field")
        if not isinstance(item, str):
            raise invalid_field(f"credentials.{key}", "must be a string")
    required = {"azure": "endpoint", "bedrock": "region"}.get(provider)
    if required and not value.get(required):
        raise invalid_field(f"credentials.{required}", f"is required for provider {provider}")
    stored = {k: v for k, v in value.items() if k != "apiKey"}
    return stored, value.get("apiKey")


def _configuration(value: Any) -> dict[str, float | int]:
    if not isinstance(value, dict):
        raise invalid_field("configuration", "must be an object")
    result: dict[str, float | int] = {}
    for key, item in value.items():
        if key not in CONFIG_LIMITS:
            raise invalid_field(f"configuration.{key}", "is not a configuration field")
        low, high, integral = CONFIG_LIMITS[key]
        kinds = (int,) if integral else (int, float)
        if isinstance(item, bool) or not isinstance(item, kinds) or not low <= item <= high:
            kind = "an integer" if integral else "a number"
            raise invalid_field(f"configuration.{key}", f"must be {kind} from {low:g} to {high:g}")
        result[key] = item
    return result


def _response_schema(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or value.get("type") != "object":
        raise invalid_field("responseSchema", "must be a JSON Schema object with type: object")
    if not isinstance(value.get("properties", {}), dict):
        raise invalid_field("responseSchema.properties", "must be an object")
    return value


def _labels(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise invalid_field("labels", "must be an object of strings")
    for key, item in value.items():
        if not isinstance(item, str) or not key:
            raise invalid_field(f"labels.{key}", "must be a string")
    return dict(value)


def _version(body: dict[str, Any], *, required: bool) -> int | None:
    if not required:
        return None
    value = body.get("version")
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid_field("version", "is required on update: send the version you last read")
    return value


def parse_invoke(body: Any) -> tuple[str, dict[str, Any]]:
    """``{input, options}`` of an invocation."""
    if not isinstance(body, dict):
        raise invalid_field("(body)", "must be a JSON object")
    for key in body:
        if key not in ("input", "options"):
            raise invalid_field(key, "is not a field of an invocation")
    text = body.get("input")
    if not isinstance(text, str):
        raise invalid_field("input", "is required and must be a string")
    options = body.get("options", {})
    if not isinstance(options, dict):
        raise invalid_field("options", "must be an object")
    return text, options
