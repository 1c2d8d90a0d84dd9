"""Bodies, rates and failures: every error status of CONTRACT section 7 over real HTTP."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from reconciler.serve import views
from reconciler.serve.settings import ServeSettings
from reconciler.serve.tokens import Role, read_tokens, sandbox_tokens
from reconciler.structs.errors import ConfigError
from tests.fixtures_engine import ConfigRepo
from tests.fixtures_serve import TOKENS, Api, start_service

JSON = {"Content-Type": "application/json"}


def test_body_over_one_mib_is_413(api: Api) -> None:
    big = b'{"env": "staging", "input": "' + b"x" * (1024 * 1024) + b'"}'
    answer = api("POST", "/api/invoke-protected", data=big, headers=JSON)
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "too-large"

    def chunks() -> Any:  # no Content-Length: the limit holds on what arrives
        yield b'{"env": "'
        for _ in range(17):
            yield b"y" * 65536
        yield b'"}'

    streamed = api("POST", "/api/validate", data=chunks(), headers=JSON)
    assert streamed.status_code == 413


def test_not_json_is_415_and_malformed_json_is_400(api: Api) -> None:
    form = api(
        "POST",
        "/api/validate",
        data="env=staging",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 415 and form.json()["error"]["code"] == "unsupported-media-type"
    broken = api("POST", "/api/validate", data='{"env": ', headers=JSON)
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "malformed-json"
    assert "line 1" in broken.json()["error"]["message"]
    for text in ("[1, 2]", '"text"', "\xff"):
        answer = api("POST", "/api/validate", data=text.encode("latin-1"), headers=JSON)
        assert answer.status_code == 400, text
    charset = api(
        "POST",
        "/api/validate",
        data="{}",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert charset.status_code == 400 and "env" in charset.json()["error"]["message"]


def test_rate_limit_is_per_token_with_retry_after(
    served_repo: ConfigRepo, sandbox_clock: Any, tmp_path: Path
) -> None:
    with start_service(served_repo, sandbox_clock, tmp_path, requests_per_minute=3) as running:
        api = Api(running.url, running.service)
        codes = [api("GET", "/api/environments", role="viewer").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        refused = api("GET", "/api/environments", role="viewer")
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.json()["error"]["code"] == "too-many-requests"
        assert api("GET", "/api/environments", role="editor").status_code == 200


def test_an_unexpected_failure_is_a_bare_500_and_the_service_lives_on(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_connections: Any) -> Any:
        raise RuntimeError(f"boom with {TOKENS['admin']} inside")

    monkeypatch.setattr(views, "environments", broken)
    answer = api("GET", "/api/environments", role="viewer")
    assert answer.status_code == 500
    assert answer.json() == {
        "error": {"code": "internal", "message": "an unexpected error occurred; it was logged"}
    }
    assert "Traceback" not in answer.text and TOKENS["admin"] not in answer.text
    assert api("GET", "/healthz", role=None).status_code == 200
    metrics = api("GET", "/metrics", role="viewer").text
    assert 'route="/api/environments",status="500"' in metrics


def test_metrics_need_a_viewer_off_loopback(
    served_repo: ConfigRepo, sandbox_clock: Any, tmp_path: Path
) -> None:
    # Bound to every address behind a proxy; reached here through loopback.
    settings: dict[str, Any] = {"host": "0.0.0.0", "behind_proxy": True}
    with start_service(served_repo, sandbox_clock, tmp_path, **settings) as running:
        port = running.url.rsplit(":", 1)[1]
        api = Api(f"http://127.0.0.1:{port}", running.service)
        assert api("GET", "/metrics", role=None).status_code == 401
        assert api("GET", "/metrics", role="viewer").status_code == 200
        assert api("GET", "/healthz", role=None).status_code == 200


def test_off_loopback_needs_tokens_and_a_proxy(served_repo: ConfigRepo, tmp_path: Path) -> None:
    tokens = tmp_path / "t.txt"
    tokens.write_text(f"a admin {hashlib.sha256(b'x').hexdigest()}\n")
    exposed = "0.0.0.0"
    for settings in (
        ServeSettings(root=served_repo.root, host=exposed, tokens=tokens),
        ServeSettings(root=served_repo.root, host=exposed, behind_proxy=True, sandbox=True),
        ServeSettings(root=served_repo.root),
    ):
        with pytest.raises(ConfigError):
            settings.check()
    ServeSettings(root=served_repo.root, host=exposed, tokens=tokens, behind_proxy=True).check()
    ServeSettings(root=served_repo.root, sandbox=True).check()


def test_token_file_digests_roles_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "tokens"
    digest = hashlib.sha256(b"s3cret-token").hexdigest()
    path.write_text(f"# team tokens\nalice editor {digest}  # comment\n\n")
    store = read_tokens(path)
    alice = store.identify("s3cret-token")
    assert alice is not None and alice.name == "alice" and alice.role is Role.EDITOR
    assert store.identify("s3cret-token ") is None and store.identify("") is None
    path.write_text(f"alice editor {digest}\nbob root {digest}\ncarol viewer s3cret-token\n")
    with pytest.raises(ConfigError) as refused:
        read_tokens(path)
    assert "line(s) 2, 3" in refused.value.message and "s3cret" not in refused.value.render()
    sandbox = sandbox_tokens().identify("sandbox-token")
    assert sandbox is not None and sandbox.role is Role.ADMIN
