"""Paging over the list endpoint, and responses no well-behaved server would send."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reconciler.gateway import GatewayClient
from reconciler.gateway.errors import BadRequest, GatewayError, NotFound, ServerError
from reconciler.gateway.transport import MAX_BODY
from tests.fixtures_gateway import Answer, ScriptedServer, Seen

MODELS = "/api/v2/ai/models"
ONE = MODELS + "/m1"


def paged(total: int, *, with_page_count: bool = True) -> Callable[[Seen], Answer]:
    models = [{"id": f"m{i}", "name": f"model-{i}"} for i in range(total)]

    def answer(seen: Seen) -> Answer:
        size, number = int(seen.query["pageSize"][0]), int(seen.query["pageNumber"][0])
        count = max(1, -(-total // size))
        envelope: dict[str, Any] = {
            "entities": models[(number - 1) * size : number * size],
            "pageSize": size,
            "pageNumber": number,
            "total": total,
        }
        if with_page_count:
            envelope["pageCount"] = count
        if number < count:
            envelope["nextUri"] = f"{MODELS}?pageSize={size}&pageNumber={number + 1}"
        return Answer(200, envelope)

    return answer


@pytest.mark.parametrize("with_page_count", [True, False])
def test_list_models_follows_every_page(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient], with_page_count: bool
) -> None:
    scripted.on("GET", MODELS, paged(250, with_page_count=with_page_count))
    names = [m["name"] for m in make_client().list_models()]
    assert names == [f"model-{i}" for i in range(250)]
    queries = [s.query for s in scripted.calls("GET", MODELS)]
    assert queries == [{"pageSize": ["100"], "pageNumber": [str(n)]} for n in (1, 2, 3)]


def test_an_empty_list_is_one_request(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    scripted.on("GET", MODELS, paged(0))
    assert list(make_client().list_models(page_size=25)) == []
    assert len(scripted.calls("GET", MODELS)) == 1


def test_a_lying_page_count_cannot_loop_forever(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    scripted.on("GET", MODELS, Answer(200, {"entities": [], "pageCount": 10**9, "nextUri": "x"}))
    assert list(make_client().list_models()) == []


def test_find_model_by_name(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    scripted.on("GET", MODELS, paged(150))
    client = make_client()
    assert client.find_model_by_name("model-120") == {"id": "m120", "name": "model-120"}
    assert client.find_model_by_name("absent") is None


def test_page_size_is_bounded(make_client: Callable[..., GatewayClient]) -> None:
    with pytest.raises(ValueError, match="page_size"):
        make_client().list_page(1, 101)


@pytest.mark.parametrize(
    "answer",
    [
        Answer(200, raw=b"<html>hello</html>"),
        Answer(200, ["not", "an", "object"]),
        Answer(200, "a string"),
        Answer(200, raw=b""),
        Answer(200, raw=b"[" * 100_000 + b"]" * 100_000),
        Answer(200, raw=b"\xff\xfe\x00garbage"),
    ],
)
def test_a_success_that_is_not_a_json_object_is_a_server_error(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient], answer: Answer
) -> None:
    scripted.on("GET", ONE, answer)
    with pytest.raises(ServerError) as caught:
        make_client().get_model("m1")
    assert caught.value.code == "gateway.response.malformed"


@pytest.mark.parametrize("envelope", [{"entities": "x"}, {"entities": [1, 2]}, {}])
def test_a_malformed_list_envelope_is_a_server_error(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient], envelope: Any
) -> None:
    scripted.on("GET", MODELS, Answer(200, envelope))
    with pytest.raises(ServerError):
        list(make_client().list_models())


def test_a_huge_body_is_refused_not_swallowed(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    scripted.on("GET", ONE, Answer(200, raw=b'{"a": "' + b"x" * MAX_BODY + b'"}'))
    with pytest.raises(ServerError) as caught:
        make_client().get_model("m1")
    assert caught.value.code == "gateway.response.too.large"


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (Answer(400, {"message": ["a", "list"], "code": {"x": 1}, "contextId": 7}), BadRequest),
        (Answer(404, raw=b"<html>Not Found</html>"), NotFound),
        (Answer(418, "teapot"), BadRequest),
        (Answer(302, {}, headers={"Location": "http://127.0.0.1:1/steal"}), ServerError),
        (Answer(400, {"message": "x" * 10_000, "code": "bad.request"}), BadRequest),
    ],
)
def test_hostile_error_bodies_still_make_a_typed_error(
    scripted: ScriptedServer,
    make_client: Callable[..., GatewayClient],
    answer: Answer,
    kind: type[GatewayError],
) -> None:
    scripted.on("GET", ONE, answer)
    with pytest.raises(kind) as caught:
        make_client().get_model("m1")
    assert caught.value.status == answer.status
    assert len(caught.value.message) < 500
    assert caught.value.correlation_id is not None


def test_the_error_carries_the_platform_code_message_and_context_id(
    scripted: ScriptedServer, make_client: Callable[..., GatewayClient]
) -> None:
    scripted.on(
        "GET",
        ONE,
        Answer(
            404,
            {
                "message": "Model m1 not found",
                "code": "not.found",
                "status": 404,
                "contextId": "ctx-42",
            },
        ),
    )
    with pytest.raises(NotFound) as caught:
        make_client().get_model("m1")
    error = caught.value
    assert (error.status, error.code, error.correlation_id) == (404, "not.found", "ctx-42")
    assert "Model m1 not found" in error.message and "ctx-42" in error.render()
