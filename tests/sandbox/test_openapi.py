"""schemas/gateway-openapi.json stays true: real sandbox answers validate against it.

A scenario drives every operation through success and error paths; each response is checked
against the schema the document declares for its path, method and status, and the document's
operations must be exactly the ones the server routes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from reconciler.sandbox import ClientSpec, ManualClock, SandboxServer
from reconciler.sandbox.routes import OPERATIONS, route
from tests.sandbox.api import MODELS, Api, model_body

SPEC_PATH = Path(__file__).resolve().parents[2] / "schemas" / "gateway-openapi.json"
SPEC: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
BASE = "urn:gateway-openapi"
REGISTRY = Registry().with_resource(BASE, Resource.from_contents(SPEC, DRAFT202012))
PATTERN_BY_KIND = {
    kind: (method, path.replace("{id}", "{modelId}")) for (method, path), kind in OPERATIONS.items()
}


def _pointer(*parts: str) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def validator_for(*parts: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"{BASE}#{_pointer(*parts)}"}, registry=REGISTRY)


def check(answer: requests.Response) -> tuple[str, str, int]:
    """Validate one real answer against the document; returns what it exercised."""
    request = answer.request
    path = request.path_url.split("?")[0]
    method, pattern = PATTERN_BY_KIND[route(str(request.method), path).kind]
    status = str(answer.status_code)
    documented = SPEC["paths"][pattern][method.lower()]["responses"]
    assert status in documented, f"{method} {pattern} answered {status}, not documented"
    validator_for(
        "paths",
        pattern,
        method.lower(),
        "responses",
        status,
        "content",
        "application/json",
        "schema",
    ).validate(answer.json())
    headers = documented[status].get("headers", {})
    assert "ININ-Correlation-Id" in headers
    assert all(name in answer.headers for name in headers if name != "Retry-After"), headers
    if answer.status_code == 429:
        assert answer.headers["Retry-After"].isdigit()
    return method, pattern, answer.status_code


def test_the_document_is_openapi_3_1_with_valid_schemas() -> None:
    assert SPEC["openapi"].startswith("3.1")
    for name, schema in SPEC["components"]["schemas"].items():
        assert name and Draft202012Validator.check_schema(schema) is None


def test_documented_operations_are_exactly_the_routed_ones() -> None:
    documented = {
        (m.upper(), p) for p, ops in SPEC["paths"].items() for m in ops if m != "parameters"
    }
    assert documented == set(PATTERN_BY_KIND.values())


def test_request_bodies_the_suite_sends_match_the_document() -> None:
    validator_for("components", "schemas", "ModelWrite").validate(model_body())
    validator_for("components", "schemas", "ModelUpdate").validate({**model_body(), "version": 1})
    validator_for("components", "schemas", "InvokeRequest").validate({"input": "x"})


@pytest.fixture
def answers(sandbox_factory: Callable[..., SandboxServer]) -> list[requests.Response]:
    clock = ManualClock()
    server = sandbox_factory(
        clock=clock,
        rate_limit=60,
        clients=(
            ClientSpec("sandbox", "sandbox-secret"),
            ClientSpec("reader", "r", ("ai:models:read",)),
        ),
    )
    api = Api(server)
    out = [
        api.session.post(
            f"{server.base_url}/oauth/token",
            auth=("sandbox", "sandbox-secret"),
            data={"grant_type": "client_credentials"},
            timeout=10,
        )
    ]
    out.append(
        api.session.post(
            f"{server.base_url}/oauth/token",
            auth=("sandbox", "x"),
            data={"grant_type": "client_credentials"},
            timeout=10,
        )
    )
    out.append(
        api.session.post(
            f"{server.base_url}/oauth/token",
            auth=("who", "x"),
            data={"grant_type": "client_credentials"},
            timeout=10,
        )
    )
    good = api.call("POST", MODELS, json=model_body("good"))
    bad = api.call("POST", MODELS, json=model_body("bad", credentials={"apiKey": "nope"}))
    good_path, bad_path = (f"{MODELS}/{a.json()['id']}" for a in (good, bad))
    out += [
        good,
        bad,
        api.call("POST", MODELS, json=model_body("good")),
        api.call("POST", MODELS, json={"nope": 1}),
        api.call("POST", MODELS, data="x", headers={"Content-Type": "text/plain"}),
        api.call("POST", f"{good_path}/invoke", json={"input": "early"}),
        api.call("GET", MODELS),
        api.call("GET", MODELS, params={"pageSize": 1}),
        api.call("GET", MODELS, params={"pageSize": 1, "pageNumber": 2}),
        api.call("GET", MODELS, params={"pageSize": 500}),
        api.get(good_path.rsplit("/")[-1]),
    ]
    clock.advance(40)
    out += [
        api.call("GET", bad_path),
        api.call("GET", good_path),
        api.call("POST", f"{good_path}/invoke", json={"input": "hello"}),
        api.call("PUT", good_path, json={**model_body("good"), "version": 1}),
        api.call("PUT", good_path, json={**model_body("good"), "version": 1}),
        api.call("PUT", good_path, json={**model_body("good", provider="azure"), "version": 2}),
        api.call("DELETE", bad_path),
        api.call("GET", bad_path),
        api.call("GET", f"{MODELS}/x"),
        api.call("DELETE", f"{MODELS}/x"),
    ]
    reader = Api(server, client=("reader", "r"))
    out.append(reader.call("POST", MODELS, json=model_body("other")))
    out.append(requests.get(server.base_url + MODELS, timeout=10))
    out += [api.call("GET", MODELS) for _ in range(70)]
    noisy = Api(sandbox_factory(error_rate=1.0, seed=5))
    out += [noisy.call("GET", MODELS) for _ in range(12)]
    return out


def test_real_answers_validate_against_the_document(answers: list[requests.Response]) -> None:
    exercised = {check(answer) for answer in answers}
    statuses = {status for _, _, status in exercised}
    assert {200, 202, 400, 401, 403, 404, 409, 415, 429, 500, 502, 503, 504} <= statuses
    succeeded = {(m, p) for m, p, s in exercised if s in (200, 202)}
    assert succeeded == set(PATTERN_BY_KIND.values())


def test_a_wrong_answer_would_be_caught() -> None:
    model_validator = validator_for("components", "schemas", "Model")
    leaked = {
        "id": "x",
        "name": "n",
        "provider": "openai",
        "modelId": "m",
        "labels": {},
        "credentials": {"apiKey": "sk-1"},
        "status": "ACTIVE",
        "version": 1,
        "dateCreated": "2024-01-01T00:00:00.000Z",
        "dateModified": "2024-01-01T00:00:00.000Z",
        "selfUri": "/api/v2/ai/models/x",
    }
    assert not model_validator.is_valid(leaked)
    leaked["credentials"] = {}
    assert model_validator.is_valid(leaked)
