"""Models: create, get, list with paging, full-body PUT with versions, DELETE, names."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.sandbox import ManualClock, SandboxServer
from tests.sandbox.api import MODELS, Api, model_body


@pytest.fixture
def api(sandbox: SandboxServer) -> Api:
    return Api(sandbox)


def test_create_answers_202_provisioning_version_1_without_the_key(api: Api) -> None:
    answer = api.call("POST", MODELS, json=model_body())
    assert answer.status_code == 202
    model = answer.json()
    assert (model["status"], model["version"]) == ("PROVISIONING", 1)
    assert model["selfUri"] == f"{MODELS}/{model['id']}"
    assert model["credentials"] == {}
    assert "sk-test-0000" not in answer.text
    assert model["labels"] == {"team": "support"}
    assert model["configuration"]["maxTokens"] == 1500
    fetched = api.get(model["id"]).json()
    assert fetched == model


def test_names_are_unique(api: Api) -> None:
    first = api.create("twin")
    second = api.call("POST", MODELS, json=model_body("twin"))
    assert second.status_code == 409
    assert second.json()["code"] == "general.conflict"
    assert first["id"] in second.json()["message"]


def test_unknown_model_is_404(api: Api) -> None:
    for method in ("GET", "PUT", "DELETE"):
        answer = api.call(method, f"{MODELS}/nope", json={**model_body(), "version": 1})
        assert answer.status_code == 404, method
        assert answer.json()["code"] == "not.found"


def _names(page: dict[str, Any]) -> list[str]:
    return [m["name"] for m in page["entities"]]


def test_list_pages_with_the_platform_envelope(api: Api) -> None:
    names = [f"model-{i:02d}" for i in range(30)]
    for name in names:
        api.create(name)
    default = api.call("GET", MODELS).json()
    assert (default["pageSize"], default["pageNumber"], default["total"]) == (25, 1, 30)
    assert default["pageCount"] == 2
    assert _names(default) == names[:25]
    assert default["nextUri"] == f"{MODELS}?pageSize=25&pageNumber=2"
    assert default["lastUri"] == f"{MODELS}?pageSize=25&pageNumber=2"
    assert default["firstUri"] == default["selfUri"] == f"{MODELS}?pageSize=25&pageNumber=1"
    last = api.call("GET", default["nextUri"]).json()
    assert _names(last) == names[25:]
    assert "nextUri" not in last
    assert last["previousUri"] == default["selfUri"]
    big = api.call("GET", MODELS, params={"pageSize": 100}).json()
    assert _names(big) == names
    beyond = api.call("GET", MODELS, params={"pageSize": 10, "pageNumber": 9}).json()
    assert beyond["entities"] == []
    assert beyond["pageCount"] == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"pageSize": 101}, "pageSize"),
        ({"pageSize": 0}, "pageSize"),
        ({"pageNumber": "x"}, "pageNumber"),
    ],
)
def test_bad_paging_is_400_naming_the_parameter(
    api: Api, params: dict[str, object], field: str
) -> None:
    answer = api.call("GET", MODELS, params=params)
    assert answer.status_code == 400
    assert answer.json()["messageParams"]["field"] == field


def test_put_increments_version_and_updates(api: Api, sandbox_clock: ManualClock) -> None:
    model = api.create()
    sandbox_clock.advance(40)
    body = {**model, "description": "changed", "version": 1}
    answer = api.call("PUT", f"{MODELS}/{model['id']}", json=body)
    assert answer.status_code == 202
    updated = answer.json()
    assert (updated["status"], updated["version"], updated["description"]) == (
        "UPDATING",
        2,
        "changed",
    )
    assert updated["dateModified"] > updated["dateCreated"]
    sandbox_clock.advance(40)
    assert api.get(model["id"]).json()["status"] == "ACTIVE"


def test_stale_version_is_409_general_conflict(api: Api) -> None:
    model = api.create()
    path = f"{MODELS}/{model['id']}"
    assert api.call("PUT", path, json={**model_body(), "version": 1}).status_code == 202
    stale = api.call("PUT", path, json={**model_body(), "version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "general.conflict"
    assert stale.json()["messageParams"]["current"] == "2"


def test_put_needs_the_version(api: Api) -> None:
    model = api.create()
    answer = api.call("PUT", f"{MODELS}/{model['id']}", json=model_body())
    assert answer.status_code == 400
    assert answer.json()["messageParams"]["field"] == "version"


def test_provider_change_is_400_needing_a_replace(api: Api) -> None:
    model = api.create()
    body = {**model_body(provider="anthropic"), "version": 1}
    answer = api.call("PUT", f"{MODELS}/{model['id']}", json=body)
    assert answer.status_code == 400
    assert "replace" in answer.json()["message"]
    assert api.get(model["id"]).json()["version"] == 1


def test_put_cannot_take_another_models_name(api: Api) -> None:
    api.create("first")
    second = api.create("second")
    body = {**model_body("first"), "version": 1}
    assert api.call("PUT", f"{MODELS}/{second['id']}", json=body).status_code == 409


def test_put_without_api_key_keeps_the_stored_one(api: Api, sandbox_clock: ManualClock) -> None:
    bad = api.create("bad-key", credentials={"apiKey": "not-a-key"})
    good = api.create("good-key")
    for model in (bad, good):
        body = {**model, "credentials": {}, "description": "no key sent", "version": 1}
        assert api.call("PUT", f"{MODELS}/{model['id']}", json=body).status_code == 202
    sandbox_clock.advance(40)
    assert api.get(bad["id"]).json()["status"] == "FAILED"
    assert api.get(good["id"]).json()["status"] == "ACTIVE"
    fix = {**model_body("bad-key"), "version": 2}
    assert api.call("PUT", f"{MODELS}/{bad['id']}", json=fix).status_code == 202
    sandbox_clock.advance(40)
    fixed = api.get(bad["id"]).json()
    assert fixed["status"] == "ACTIVE"
    assert "errorReason" not in fixed
    assert "errors" not in fixed


def test_delete_goes_through_deleting_then_404(
    api: Api, sandbox: SandboxServer, sandbox_clock: ManualClock
) -> None:
    model = api.create()
    path = f"{MODELS}/{model['id']}"
    answer = api.call("DELETE", path)
    assert answer.status_code == 202
    assert answer.json()["status"] == "DELETING"
    assert api.get(model["id"]).json()["status"] == "DELETING"
    assert api.call("PUT", path, json={**model_body(), "version": 1}).status_code == 409
    assert api.call("POST", MODELS, json=model_body()).status_code == 409
    assert api.call("DELETE", path).status_code == 202
    sandbox_clock.advance(10.0)
    assert api.get(model["id"]).status_code == 404
    assert api.call("DELETE", path).status_code == 404
    assert api.call("GET", MODELS).json()["total"] == 0
    assert api.call("POST", MODELS, json=model_body()).status_code == 202


def test_invoke_is_409_unless_active(api: Api, sandbox_clock: ManualClock) -> None:
    model = api.create()
    path = f"{MODELS}/{model['id']}/invoke"
    early = api.call("POST", path, json={"input": "hello"})
    assert early.status_code == 409
    assert early.json()["messageParams"]["status"] == "PROVISIONING"
    sandbox_clock.advance(40)
    assert api.call("POST", path, json={"input": "hello"}).status_code == 200
    api.call("PUT", f"{MODELS}/{model['id']}", json={**model_body(), "version": 1})
    assert api.call("POST", path, json={"input": "hello"}).status_code == 409
    assert api.call("POST", f"{MODELS}/nope/invoke", json={"input": "x"}).status_code == 404
