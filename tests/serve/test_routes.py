"""Every route over real HTTP on loopback: who may call it and what it answers."""

from __future__ import annotations

import json
import re

import pytest

from reconciler.serve.app import ROUTES
from reconciler.serve.openapi import openapi_document
from tests.fixtures_engine import KEYS
from tests.fixtures_serve import Api

VIEWS = [
    "/api/environments",
    "/api/me",
    "/api/jobs",
    *(
        f"/api/environments/staging/{v}"
        for v in (
            "plan",
            "drift",
            "cost",
            "models",
            "models/support-classifier",
            "history",
            "cost/history",
        )
    ),
]


def test_open_routes_need_no_token(api: Api) -> None:
    assert api("GET", "/healthz", role=None).json() == {"status": "ok"}
    page = api("GET", "/", role=None)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert api("GET", "/static/app.js", role=None).status_code == 200
    assert api("GET", "/static/secret.py", role=None).status_code == 404
    schema = api("GET", "/api/schemas/model-endpoint", role=None).json()
    assert schema["title"] and "spec" in schema["properties"]
    metrics = api("GET", "/metrics", role="viewer")
    assert metrics.status_code == 200 and "reconcile_serve_requests_total" in metrics.text


def test_openapi_describes_every_route(api: Api) -> None:
    doc = api("GET", "/openapi.json", role=None).json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {r.path for r in ROUTES}
    assert doc == json.loads(json.dumps(openapi_document()))


@pytest.mark.parametrize("path", VIEWS)
def test_views_need_a_valid_token(api: Api, path: str) -> None:
    missing = api("GET", path, role=None)
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "unauthorized"
    assert missing.headers["www-authenticate"].startswith("Bearer")
    bad = api("GET", path, role=None, headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401 and "not-a-token" not in bad.text
    assert api("GET", path, role=None, headers={"Authorization": "Basic abc"}).status_code == 401


def test_environments_lists_region_and_models(api: Api) -> None:
    answer = api("GET", "/api/environments", role="viewer")
    assert answer.status_code == 200
    assert answer.json() == {
        "environments": [
            {
                "name": "staging",
                "region": "sandbox",
                "models": ["support-classifier"],
                "valid": True,
            }
        ]
    }


def test_plan_is_the_dry_run_document(api: Api) -> None:
    doc = api("GET", "/api/environments/staging/plan", role="viewer").json()
    assert doc["formatVersion"] == 1 and doc["environment"] == "staging"
    assert [i["name"] for i in doc["create"]] == ["support-classifier"]
    assert doc["summary"]["create"] == 1 and doc["cost"]["after"] is not None


def test_drift_and_cost_are_the_cli_documents(api: Api) -> None:
    drift = api("GET", "/api/environments/staging/drift", role="viewer").json()
    assert drift["formatVersion"] == 1 and drift["driftFound"] is True
    assert [i["name"] for i in drift["pending"]] == ["support-classifier"]
    cost = api("GET", "/api/environments/staging/cost", role="viewer").json()
    assert cost["environment"] == "staging"
    assert [m["name"] for m in cost["models"]] == ["support-classifier"]
    assert float(cost["totalMonthlyUsd"]) > 0


def test_unknown_environment_route_and_job_are_404_json(api: Api) -> None:
    for path in ("/api/environments/nope/plan", "/api/jobs/123", "/no/such/route"):
        answer = api("GET", path, role="viewer")
        assert answer.status_code == 404, path
        assert answer.json()["error"]["code"] == "not-found"
    wrong = api("DELETE", "/api/environments", role="viewer")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method-not-allowed"
    assert set(wrong.headers["allow"].split(", ")) == {"GET", "HEAD"}


ROLE_CASES = [
    ("POST", "/api/validate", "viewer"),
    ("POST", "/api/invoke-protected", "invoker"),
    ("POST", "/api/configure-model", "editor"),
]


@pytest.mark.parametrize(("method", "path", "needs"), ROLE_CASES)
def test_each_role_includes_the_ones_before(api: Api, method: str, path: str, needs: str) -> None:
    order = ["viewer", "invoker", "editor", "admin"]
    for role in order:
        answer = api(method, path, role=role, json={})
        if order.index(role) < order.index(needs):
            assert answer.status_code == 403, role
            assert f"needs '{needs}'" in answer.json()["error"]["message"]
        else:
            assert answer.status_code == 400, role  # allowed in; the empty body is refused


def test_every_get_is_open_to_viewers(api: Api) -> None:
    for path in VIEWS:
        assert api("GET", path, role="viewer").status_code == 200, path


def test_answers_never_carry_a_secret(api: Api) -> None:
    texts = [api("GET", path, role="admin").text for path in VIEWS]
    texts.append(api("GET", "/metrics", role="viewer").text)
    for text in texts:
        for value in (KEYS["OPENAI_API_KEY"], KEYS["GENESYS_CLIENT_SECRET"]):
            assert value not in text


def test_openapi_is_precise_enough_for_tools() -> None:
    """What schemathesis (.ci/api-check) needs, checked without it: every path parameter
    declared with an example, an id per operation, links that lead to operations that exist,
    optional body fields that say they take null, and no reference to an unshipped document."""
    doc = openapi_document()
    operations = {
        op["operationId"]: (path, op) for path, item in doc["paths"].items() for op in item.values()
    }
    assert len(operations) == len(doc["paths"])
    for path, op in operations.values():
        declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), path
        assert all("example" in p for p in op.get("parameters", []) if p["in"] == "path"), path
        for answer in op["responses"].values():
            for link in answer.get("links", {}).values():
                assert link["operationId"] in operations, (path, link)
    linked = {
        link["operationId"]
        for _, op in operations.values()
        for answer in op["responses"].values()
        for link in answer.get("links", {}).values()
    }
    assert {"getModel", "getJob", "getPlan", "getHistory", "getCostHistory"} <= linked
    body = doc["paths"]["/api/configure-model"]["post"]["requestBody"]["content"]
    fields = body["application/json"]["schema"]["properties"]
    assert fields["env"] == {"type": "string"}  # a null env is a 400
    assert fields["allowOverBudget"]["type"] == ["boolean", "null"]  # null is taken as absent
    assert "CONTRACT" not in json.dumps(doc)
