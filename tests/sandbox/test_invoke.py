"""Invocation: deterministic results that conform to the responseSchema, honest usage."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from reconciler.sandbox import ManualClock, SandboxServer
from reconciler.sandbox.invoke import sample
from tests.sandbox.api import MODELS, Api, model_body

SCHEMAS: list[dict[str, Any]] = [
    model_body()["responseSchema"],
    {
        "type": "object",
        "properties": {
            "count": {"type": "integer", "minimum": 3, "maximum": 5},
            "ratio": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            "flags": {"type": "array", "items": {"type": "boolean"}, "minItems": 2, "maxItems": 3},
            "nested": {
                "type": "object",
                "properties": {"tag": {"enum": ["a", "b", 3]}},
                "required": ["tag"],
            },
            "maybe": {"type": ["null", "string"], "minLength": 12, "maxLength": 20},
            "fixed": {"const": "v1"},
            "choice": {"anyOf": [{"type": "integer", "minimum": -2, "maximum": -1}]},
        },
        "required": ["count", "ratio", "flags", "nested"],
    },
    {"type": "object"},
]


@pytest.mark.parametrize("schema", SCHEMAS)
def test_samples_conform_to_the_schema(schema: dict[str, Any]) -> None:
    for text in ("a", "b", "I was charged twice for my order"):
        jsonschema.validate(sample(schema, seed=text, path=""), schema)


def _active(api: Api, clock: ManualClock, **overrides: Any) -> str:
    model_id = api.create(**overrides)["id"]
    clock.advance(40)
    return str(model_id)


def test_invoke_is_deterministic_and_conforms(
    sandbox: SandboxServer, sandbox_clock: ManualClock
) -> None:
    api = Api(sandbox)
    model_id = _active(api, sandbox_clock)
    path = f"{MODELS}/{model_id}/invoke"
    first = api.call("POST", path, json={"input": "I was charged twice"}).json()
    again = api.call("POST", path, json={"input": "I was charged twice"}).json()
    assert set(first) == {"result", "usage", "request_id"}
    assert first["result"] == again["result"]
    assert first["request_id"] != again["request_id"]
    jsonschema.validate(first["result"], model_body()["responseSchema"])
    results = {
        str(api.call("POST", path, json={"input": f"ticket {i}"}).json()["result"])
        for i in range(8)
    }
    assert len(results) > 1


def test_prompt_tokens_come_from_the_rendered_template(
    sandbox: SandboxServer, sandbox_clock: ManualClock
) -> None:
    api = Api(sandbox)
    short = _active(api, sandbox_clock, name="short", promptTemplate="{input}")
    long = _active(
        api,
        sandbox_clock,
        name="long",
        promptTemplate="Context: {context}. " + "x" * 400 + " {input}",
    )

    def usage(model_id: str, **body: Any) -> dict[str, int]:
        answer = api.call("POST", f"{MODELS}/{model_id}/invoke", json={"input": "a" * 40, **body})
        return dict(answer.json()["usage"])

    assert usage(short)["prompt_tokens"] == 10
    plain = usage(long)["prompt_tokens"]
    assert plain == -(-len("Context: . " + "x" * 400 + " " + "a" * 40) // 4)
    with_context = usage(long, options={"context": "c" * 400})["prompt_tokens"]
    assert with_context == plain + 100


def test_completion_tokens_are_bounded_by_max_tokens(
    sandbox: SandboxServer, sandbox_clock: ManualClock
) -> None:
    api = Api(sandbox)
    model_id = _active(api, sandbox_clock, configuration={"maxTokens": 2})
    answer = api.call("POST", f"{MODELS}/{model_id}/invoke", json={"input": "hi"}).json()
    assert answer["usage"]["completion_tokens"] == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "input"),
        ({"input": 3}, "input"),
        ({"input": "x", "extra": 1}, "extra"),
        ({"input": "x", "options": []}, "options"),
    ],
)
def test_bad_invocations_are_400_naming_the_field(
    sandbox: SandboxServer, sandbox_clock: ManualClock, body: dict[str, Any], field: str
) -> None:
    api = Api(sandbox)
    model_id = _active(api, sandbox_clock)
    answer = api.call("POST", f"{MODELS}/{model_id}/invoke", json=body)
    assert answer.status_code == 400
    assert answer.json()["messageParams"]["field"] == field
