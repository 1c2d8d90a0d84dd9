"""Deterministic invocation results that conform to the model's ``responseSchema``.

The same model, version and input always give the same result, so tests and health checks can
assert on it; values are derived from a hash, chosen inside enums and numeric bounds, and every
property (required or not) is filled. Token counts follow the common rule of thumb of about four
characters per token, with completion tokens capped by ``maxTokens``.
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from typing import Any

from reconciler.sandbox.lifecycle import Record

DEFAULT_MAX_TOKENS = 1024


def invoke(record: Record, text: str, options: dict[str, Any]) -> dict[str, Any]:
    """The invocation answer: ``result``, ``usage`` and a fresh ``request_id``."""
    fields = record.fields
    context = options.get("context", "")
    prompt = render_prompt(
        fields.get("promptTemplate", ""),
        text=text,
        context=context if isinstance(context, str) else json.dumps(context),
    )
    schema = fields.get("responseSchema") or {
        "type": "object",
        "properties": {"output": {"type": "string"}},
        "required": ["output"],
    }
    seed = f"{record.id}:{record.version}:{text}"
    result = sample(schema, seed=seed, path="")
    limit = int(fields.get("configuration", {}).get("maxTokens", DEFAULT_MAX_TOKENS))
    return {
        "result": result,
        "usage": {
            "prompt_tokens": estimate_tokens(prompt),
            "completion_tokens": min(limit, estimate_tokens(json.dumps(result))),
        },
        "request_id": str(uuid.uuid4()),
    }


def render_prompt(template: str, *, text: str, context: str) -> str:
    """The prompt the provider would receive; without a template, the input alone."""
    if not template:
        return text
    return template.replace("{input}", text).replace("{context}", context)


def estimate_tokens(text: str) -> int:
    return max(1, math.ceil(len(text) / 4))


def sample(schema: Any, *, seed: str, path: str) -> Any:
    """A value valid for ``schema`` (the subset of JSON Schema response schemas use)."""
    if not isinstance(schema, dict):
        return None
    pick = _number(seed, path)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][pick % len(schema["enum"])]
    for key in ("oneOf", "anyOf", "allOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            return sample(schema[key][0], seed=seed, path=path)
    kind = schema.get("type", "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    return _SAMPLERS.get(kind, _string)(schema, seed, path, pick)


def _number(seed: str, path: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}|{path}".encode()).digest()[:8], "big")


def _object(schema: dict[str, Any], seed: str, path: str, pick: int) -> dict[str, Any]:
    properties = schema.get("properties", {})
    out = {name: sample(sub, seed=seed, path=f"{path}.{name}") for name, sub in properties.items()}
    for name in schema.get("required", []):
        out.setdefault(name, "")
    return out


def _array(schema: dict[str, Any], seed: str, path: str, pick: int) -> list[Any]:
    count = max(int(schema.get("minItems", 1)), 1)
    count = min(count, int(schema.get("maxItems", count)))
    return [sample(schema.get("items", {}), seed=seed, path=f"{path}[{i}]") for i in range(count)]


def _float(schema: dict[str, Any], seed: str, path: str, pick: int) -> float:
    low = float(schema.get("minimum", schema.get("exclusiveMinimum", 0.0)))
    high = float(schema.get("maximum", schema.get("exclusiveMaximum", low + 1.0)))
    fraction = 0.05 + 0.9 * (pick % 10_000) / 10_000
    return round(low + (high - low) * fraction, 4)


def _integer(schema: dict[str, Any], seed: str, path: str, pick: int) -> int:
    low = math.ceil(float(schema.get("minimum", 0)))
    high = math.floor(float(schema.get("maximum", low + 100)))
    if "exclusiveMinimum" in schema:
        low = math.floor(schema["exclusiveMinimum"]) + 1
    if "exclusiveMaximum" in schema:
        high = math.ceil(schema["exclusiveMaximum"]) - 1
    return low + pick % max(high - low + 1, 1)


def _string(schema: dict[str, Any], seed: str, path: str, pick: int) -> str:
    name = path.rsplit(".", 1)[-1] or "value"
    text = f"{name}-{pick % 100_000:05d}"
    low, high = int(schema.get("minLength", 0)), int(schema.get("maxLength", 10_000))
    return (text + "x" * max(0, low - len(text)))[:high]


_SAMPLERS: dict[str, Any] = {
    "object": _object,
    "array": _array,
    "number": _float,
    "integer": _integer,
    "string": _string,
    "boolean": lambda schema, seed, path, pick: bool(pick % 2),
    "null": lambda schema, seed, path, pick: None,
}
