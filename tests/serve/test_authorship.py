"""Who made a change through the service: the token's name, or the person the proxy names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reconciler.serve.settings import ServeSettings
from reconciler.structs.errors import ConfigError
from tests.fixtures_engine import ConfigRepo, model_manifest
from tests.fixtures_gitops import git
from tests.fixtures_serve import Api, start_service
from tests.serve.test_apply_and_invoke import allow_apply, apply, follow


def _configure(api: Api, name: str, **kwargs: Any) -> dict[str, Any]:
    answer = api(
        "POST",
        "/api/configure-model",
        json={"env": "staging", "model": model_manifest(name)},
        **kwargs,
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_a_configured_branch_is_authored_by_the_tokens_name(
    api: Api, served_repo: ConfigRepo
) -> None:
    body = _configure(api, "ticket-triage", role="editor")
    author = git(served_repo.root, "log", "-1", "--format=%an", body["commit"]).strip()
    assert author == "editor-user via reconcile serve"


def test_a_direct_apply_names_the_caller_in_commits_and_audit(
    api: Api, served_repo: ConfigRepo
) -> None:
    allow_apply(served_repo)
    body = apply(api, "ticket-triage")
    assert follow(api, body["job"]["links"]["self"])["status"] == "SUCCEEDED"
    root = served_repo.root
    authors = git(root, "log", "--format=%an", "-2").splitlines()
    assert authors == ["admin-user via reconcile serve"] * 2
    log = root / "state" / "staging" / "audit.jsonl"
    actors = {json.loads(line)["actor"] for line in log.read_text().splitlines()}
    assert actors == {"serve:admin-user"}


def test_behind_a_proxy_the_trusted_header_names_the_person_and_the_token_the_role(
    served_repo: ConfigRepo, sandbox_clock: Any, tmp_path: Path
) -> None:
    settings = {"behind_proxy": True, "trusted_user_header": "X-Forwarded-User"}
    with start_service(served_repo, sandbox_clock, tmp_path, **settings) as running:
        api = Api(running.url, running.service)
        person = {"X-Forwarded-User": "ada.lovelace@example.com"}
        body = _configure(api, "ticket-triage", role="editor", headers=person)
        author = git(served_repo.root, "log", "-1", "--format=%an", body["commit"]).strip()
        assert author == "ada.lovelace via reconcile serve"
        refused = api(
            "POST",
            "/api/configure-model",
            role="viewer",
            headers=person,
            json={"env": "staging", "model": model_manifest("other-model")},
        )
        assert refused.status_code == 403
        forged = api(
            "GET", "/api/environments", role="viewer", headers={"X-Forwarded-User": "a\tb"}
        )
        assert forged.status_code == 400 and forged.json()["error"]["code"] == "invalid-user-header"


def test_the_trusted_header_needs_a_proxy(served_repo: ConfigRepo) -> None:
    with pytest.raises(ConfigError, match="--behind-proxy"):
        ServeSettings(
            root=served_repo.root, sandbox=True, trusted_user_header="X-Forwarded-User"
        ).check()
