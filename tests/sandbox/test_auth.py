"""The emulated login host: client credentials, token expiry, per-client scopes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests

from reconciler.sandbox import ClientSpec, ManualClock, SandboxServer
from tests.sandbox.api import MODELS, Api, model_body

GRANT = {"grant_type": "client_credentials"}


def token_call(server: SandboxServer, **kwargs: object) -> requests.Response:
    return requests.post(f"{server.base_url}/oauth/token", timeout=10, **kwargs)  # type: ignore[arg-type]


def test_token_has_the_platform_shape(sandbox: SandboxServer) -> None:
    answer = token_call(sandbox, auth=("sandbox", "sandbox-secret"), data=GRANT)
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 86400
    assert answer.headers["ININ-Correlation-Id"]


@pytest.mark.parametrize(
    ("auth", "status", "description"),
    [
        (("nobody", "x"), 400, "client not found"),
        (("sandbox", "wrong"), 401, "authentication failed"),
        (None, 401, "client authentication is required (Authorization: Basic)"),
    ],
)
def test_bad_clients_get_invalid_client(
    sandbox: SandboxServer, auth: tuple[str, str] | None, status: int, description: str
) -> None:
    answer = token_call(sandbox, auth=auth, data=GRANT)
    assert answer.status_code == status
    assert answer.json() == {
        "error": "invalid_client",
        "description": description,
        "error_description": description,
    }


def test_malformed_basic_header_is_invalid_client(sandbox: SandboxServer) -> None:
    answer = token_call(sandbox, headers={"Authorization": "Basic !!!"}, data=GRANT)
    assert (answer.status_code, answer.json()["error"]) == (401, "invalid_client")


def test_grant_type_and_form_body_are_required(sandbox: SandboxServer) -> None:
    auth = ("sandbox", "sandbox-secret")
    wrong_grant = token_call(sandbox, auth=auth, data={"grant_type": "password"})
    assert (wrong_grant.status_code, wrong_grant.json()["error"]) == (400, "unsupported_grant_type")
    as_json = token_call(sandbox, auth=auth, json=GRANT)
    assert (as_json.status_code, as_json.json()["error"]) == (400, "invalid_request")


def test_token_expires_after_its_ttl(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    clock = ManualClock()
    server = sandbox_factory(token_ttl=60, clock=clock)
    api = Api(server)
    assert api.call("GET", MODELS).status_code == 200
    clock.advance(60)
    expired = api.call("GET", MODELS)
    assert expired.status_code == 401
    assert expired.json()["code"] == "credentials.expired"
    api.login()
    assert api.call("GET", MODELS).status_code == 200


def test_expire_tokens_forces_reauthentication(sandbox: SandboxServer) -> None:
    api = Api(sandbox)
    sandbox.expire_tokens()
    assert api.call("GET", MODELS).json()["code"] == "credentials.expired"
    api.login()
    assert api.call("GET", MODELS).status_code == 200


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "authentication.required"),
        ("Bearer not-a-token", "bad.credentials"),
        ("Basic c2FuZGJveDpzYW5kYm94LXNlY3JldA==", "authentication.required"),
    ],
)
def test_api_needs_a_valid_bearer_token(
    sandbox: SandboxServer, header: str | None, code: str
) -> None:
    headers = {"Authorization": header} if header else {}
    answer = requests.get(sandbox.base_url + MODELS, headers=headers, timeout=10)
    assert answer.status_code == 401
    assert answer.json()["code"] == code


def test_scopes_are_per_client_and_named_when_missing(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    server = sandbox_factory(
        clients=(
            ClientSpec("reader", "r-secret", ("ai:models:read",)),
            ClientSpec("writer", "w-secret", ("ai:models:write",)),
        ),
        provision_seconds=(0.0, 0.0),
    )
    reader = Api(server, client=("reader", "r-secret"))
    writer = Api(server, client=("writer", "w-secret"))
    assert reader.call("GET", MODELS).status_code == 200
    refused = reader.call("POST", MODELS, json=model_body())
    assert refused.status_code == 403
    assert refused.json()["messageParams"] == {"scope": "ai:models:write"}
    assert "ai:models:write" in refused.json()["message"]
    created = writer.call("POST", MODELS, json=model_body())
    assert created.status_code == 202
    for path in (MODELS, f"{MODELS}/{created.json()['id']}"):
        answer = writer.call("GET", path)
        assert answer.status_code == 403
        assert answer.json()["messageParams"] == {"scope": "ai:models:read"}
    invoke = reader.call("POST", f"{MODELS}/{created.json()['id']}/invoke", json={"input": "x"})
    assert invoke.status_code == 403


def test_short_ttls_announce_their_true_lifetime(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    server = sandbox_factory(token_ttl=0.5)
    answer = token_call(server, auth=("sandbox", "sandbox-secret"), data=GRANT)
    assert answer.json()["expires_in"] == 0.5
