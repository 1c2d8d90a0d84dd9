"""Create and update after ambiguous failures: never a duplicate, never a lost update."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reconciler.gateway import GatewayClient
from reconciler.gateway.errors import Conflict, RateLimited, ServerError
from tests.fixtures_gateway import Answer, Reset, ScriptedServer, Seen

MODELS = "/api/v2/ai/models"
BODY = {
    "name": "support-classifier",
    "provider": "openai",
    "modelId": "gpt-4o-mini",
    "credentials": {"apiKey": "sk-test"},
    "configuration": {"temperature": 0.1},
}


class Store:
    """The server side of create/list/put, so a lost response can still have landed."""

    def __init__(self, server: ScriptedServer) -> None:
        self.models: dict[str, dict[str, Any]] = {}
        server.on("GET", MODELS, self.list)

    def create(self, seen: Seen) -> Answer:
        body = seen.json()
        if any(m["name"] == body["name"] for m in self.models.values()):
            return Answer(409, {"message": "name taken", "code": "general.conflict"})
        model_id = f"m{len(self.models) + 1}"
        model = {**body, "id": model_id, "version": 1, "status": "PROVISIONING"}
        model["credentials"] = {k: v for k, v in body["credentials"].items() if k != "apiKey"}
        self.models[model_id] = model
        return Answer(202, model)

    def put(self, seen: Seen) -> Answer:
        body = seen.json()
        model = self.models["m1"]
        if body["version"] != model["version"]:
            return Answer(409, {"message": "stale", "code": "general.conflict"})
        credentials = {k: v for k, v in body["credentials"].items() if k != "apiKey"}
        model.update({**body, "credentials": credentials, "version": model["version"] + 1})
        return Answer(202, model)

    def list(self, seen: Seen) -> Answer:
        entities = list(self.models.values())
        return Answer(
            200,
            {
                "entities": entities,
                "pageSize": 100,
                "pageNumber": 1,
                "total": len(entities),
                "pageCount": 1,
            },
        )


def landed_then(answer: Answer | Reset, action: Callable[[Seen], Answer]) -> Callable[[Seen], Any]:
    def script(seen: Seen) -> Any:
        action(seen)
        return answer

    return script


@pytest.mark.parametrize("lost", [Answer(502, {}), Answer(504, {}), Reset()])
def test_a_create_whose_response_was_lost_is_found_not_duplicated(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient], lost: Answer | Reset
) -> None:
    store = Store(scripted)
    scripted.on("POST", MODELS, landed_then(lost, store.create), store.create)
    client = make_client()
    created = client.create_model(BODY)
    assert created["name"] == BODY["name"] and created["id"] == "m1"
    assert len(store.models) == 1
    assert len(scripted.calls("POST", MODELS)) == 1
    assert client.stats.calls["list"] == 1


def test_a_create_that_did_not_land_is_sent_again_after_the_check(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    store = Store(scripted)
    scripted.on("POST", MODELS, Answer(503, {}), store.create)
    created = make_client().create_model(BODY)
    assert created["version"] == 1 and len(store.models) == 1
    assert [s.method for s in scripted.seen if s.path == MODELS] == ["POST", "GET", "POST"]


def test_a_duplicate_name_without_ambiguity_is_a_conflict(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    store = Store(scripted)
    scripted.on("POST", MODELS, store.create)
    client = make_client()
    client.create_model(BODY)
    with pytest.raises(Conflict):
        client.create_model(BODY)
    assert client.stats.calls["list"] == 0


def test_a_create_after_429_is_resent_without_a_lookup(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    store = Store(scripted)
    scripted.on("POST", MODELS, Answer(429, {}, headers={"Retry-After": "1"}), store.create)
    client = make_client()
    client.create_model(BODY)
    assert client.stats.calls == {**client.stats.calls, "create": 2, "list": 0}


def test_a_create_that_keeps_failing_raises_after_its_budget_and_made_nothing_twice(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    store = Store(scripted)
    scripted.on("POST", MODELS, Answer(500, {"code": "internal"}))
    with pytest.raises(ServerError):
        make_client(max_attempts=3).create_model(BODY)
    assert len(scripted.calls("POST", MODELS)) == 3 and not store.models


def test_an_update_that_landed_before_its_response_was_lost_is_recognised(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    store = Store(scripted)
    store.create(Seen("POST", MODELS, {}, {}, b'{"name": "a", "credentials": {}}'))
    scripted.on("PUT", f"{MODELS}/m1", landed_then(Reset(), store.put), store.put)
    scripted.on("GET", f"{MODELS}/m1", lambda seen: Answer(200, store.models["m1"]))
    update = {**BODY, "version": 1}
    updated = make_client().update_model("m1", update)
    assert updated["version"] == 2 and updated["modelId"] == "gpt-4o-mini"
    assert len(scripted.calls("PUT", f"{MODELS}/m1")) == 2


def test_a_stale_version_is_a_conflict_even_after_a_retry_if_someone_else_won(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    store = Store(scripted)
    store.create(Seen("POST", MODELS, {}, {}, b'{"name": "a", "credentials": {}}'))

    def someone_else(seen: Seen) -> Answer:
        store.models["m1"].update(version=2, modelId="other")
        return Answer(503, {})

    scripted.on("PUT", f"{MODELS}/m1", someone_else, store.put)
    scripted.on("GET", f"{MODELS}/m1", lambda seen: Answer(200, store.models["m1"]))
    with pytest.raises(Conflict):
        make_client().update_model("m1", {**BODY, "version": 1})


def test_a_plain_stale_version_is_a_conflict_without_a_re_read(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    scripted.on("PUT", f"{MODELS}/m1", Answer(409, {"code": "general.conflict"}))
    client = make_client()
    with pytest.raises(Conflict):
        client.update_model("m1", {**BODY, "version": 1})
    assert client.stats.calls["get"] == 0


def test_rate_limited_create_past_budget_is_typed(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    scripted.on("POST", MODELS, Answer(429, {}, headers={"Retry-After": "50"}))
    with pytest.raises(RateLimited):
        make_client(retry_budget_seconds=60).create_model(BODY)
    assert len(scripted.calls("POST", MODELS)) == 2
