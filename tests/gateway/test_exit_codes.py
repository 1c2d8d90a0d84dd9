"""Which exit code an unhandled Gateway error ends the run with (CONTRACT section 4).

Exit 5 means "cannot reach or authenticate to the API": no connection, TLS, refused
credentials, a missing scope, or 429/5xx past the retry budget. The API refusing the request
itself (400, 404, 409) is invalid input: exit 1. Either way the error is a ``GatewayError``, so
callers can still catch them all at once.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from reconciler.cli.boundary import guarded
from reconciler.gateway import GatewayClient
from reconciler.gateway.errors import (
    AuthError,
    BadRequest,
    Conflict,
    Forbidden,
    GatewayError,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
)
from reconciler.structs.errors import ApiUnavailable, ExitCode, ReconcileError
from tests.fixtures_gateway import Answer, Reset, Script, ScriptedServer

ONE = "/api/v2/ai/models/m1"
TOKEN = "/oauth/token"


def body(status: int, code: str) -> dict[str, object]:
    return {"message": f"refused with {code}", "code": code, "status": status}


CASES: list[tuple[str, Script, type[GatewayError], ExitCode]] = [
    ("GET", Answer(400, body(400, "bad.request")), BadRequest, ExitCode.INVALID),
    ("GET", Answer(404, body(404, "not.found")), NotFound, ExitCode.INVALID),
    ("GET", Answer(409, body(409, "general.conflict")), Conflict, ExitCode.INVALID),
    ("GET", Answer(422, body(422, "unprocessable")), BadRequest, ExitCode.INVALID),
    ("GET", Answer(401, body(401, "bad.credentials")), Unauthorized, ExitCode.UNREACHABLE),
    ("GET", Answer(403, body(403, "missing.scope")), Forbidden, ExitCode.UNREACHABLE),
    ("GET", Answer(429, body(429, "too.many")), RateLimited, ExitCode.UNREACHABLE),
    ("GET", Answer(503, body(503, "unavailable")), ServerError, ExitCode.UNREACHABLE),
    ("GET", Reset(), TransportError, ExitCode.UNREACHABLE),
    ("POST", Answer(401, {"error": "invalid_client"}), AuthError, ExitCode.UNREACHABLE),
]


@pytest.mark.parametrize(("method", "script", "kind", "exit_code"), CASES)
def test_each_failure_ends_with_its_exit_code_and_is_one_gateway_error(
    scripted: ScriptedServer,
    make_client: Callable[..., GatewayClient],
    method: str,
    script: Script,
    kind: type[GatewayError],
    exit_code: ExitCode,
) -> None:
    scripted.on(method, TOKEN if method == "POST" else ONE, script)
    with pytest.raises(GatewayError) as caught:
        make_client(max_attempts=2).get_model("m1")
    assert isinstance(caught.value, kind)
    assert caught.value.exit_code == exit_code
    assert isinstance(caught.value, ReconcileError)
    assert isinstance(caught.value, ApiUnavailable) == (exit_code == ExitCode.UNREACHABLE)


@pytest.mark.parametrize(
    ("status", "exit_code"), [(404, ExitCode.INVALID), (500, ExitCode.UNREACHABLE)]
)
def test_the_cli_boundary_exits_with_the_errors_code(
    scripted: ScriptedServer,
    make_client: Callable[..., GatewayClient],
    capsys: pytest.CaptureFixture[str],
    status: int,
    exit_code: ExitCode,
) -> None:
    scripted.on("GET", ONE, Answer(status, {**body(status, "x"), "contextId": "ctx-7"}))
    client = make_client(max_attempts=1)
    with pytest.raises(SystemExit) as exited:
        guarded(lambda: len(client.get_model("m1")))
    assert exited.value.code == exit_code
    err = capsys.readouterr().err
    assert f"GET {ONE} failed with HTTP {status}" in err and "correlation id: ctx-7" in err
