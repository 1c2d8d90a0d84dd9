"""Secrets in configure requests: only allowed variables, never a known secret's value."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.fixtures_engine import KEYS, ConfigRepo, model_manifest
from tests.fixtures_gitops import git
from tests.fixtures_serve import TOKENS, Api, commit_all, start_service

# A key as awkward as keys get: quotes, a backslash, non-ASCII and URL-special characters.
CANARY = 'sk-"can\\ary"-\u00fc\u00df-&?=/%+ #x'
ENVIRON = {**KEYS, "OPENAI_API_KEY": CANARY, "GITHUB_TOKEN": "ghp_" + "z" * 36}


@pytest.fixture
def canary_api(served_repo: ConfigRepo, sandbox_clock: Any, tmp_path: Path) -> Iterator[Api]:
    with start_service(served_repo, sandbox_clock, tmp_path, environ=ENVIRON) as running:
        yield Api(running.url, running.service, role="editor")


def _configure(api: Api, model: dict[str, Any]) -> Any:
    return api("POST", "/api/configure-model", json={"env": "staging", "model": model})


def _code(answer: Any) -> str:
    return str(answer.json()["error"]["code"])


def _branches(repo: ConfigRepo) -> str:
    return git(repo.root, "for-each-ref", "--format=%(refname)", "refs/heads")


def test_only_variables_the_models_already_use_may_be_referenced(canary_api: Api) -> None:
    for variable in ("GITHUB_TOKEN", "GENESYS_CLIENT_SECRET", "ANTHROPIC_API_KEY"):
        model = model_manifest("ticket-triage", credentials={"apiKey": f"${{{variable}}}"})
        answer = _configure(canary_api, model)
        assert answer.status_code == 400 and _code(answer) == "secret-ref-not-allowed", variable
        assert variable in answer.json()["error"]["message"]
    assert _configure(canary_api, model_manifest("ticket-triage")).status_code == 201


def test_policy_serve_secrets_globs_choose_the_variables_but_never_genesys_credentials(
    served_repo: ConfigRepo, sandbox_clock: Any, tmp_path: Path
) -> None:
    served_repo.write_environment(policy={"serveSecrets": ["ANTHROPIC_*", "GENESYS_*"]})
    commit_all(served_repo.root, "staging: serve may use the Anthropic keys")
    with start_service(served_repo, sandbox_clock, tmp_path, environ=ENVIRON) as running:
        api = Api(running.url, running.service, role="editor")
        anthropic = model_manifest(
            "ticket-triage",
            provider="anthropic",
            modelId="claude-3-5-haiku",
            credentials={"apiKey": "${ANTHROPIC_API_KEY}"},
        )
        assert _configure(api, anthropic).status_code == 201
        for variable in ("OPENAI_API_KEY", "GENESYS_CLIENT_ID", "GENESYS_CLIENT_SECRET"):
            model = model_manifest("other-model", credentials={"apiKey": f"${{{variable}}}"})
            assert _code(_configure(api, model)) == "secret-ref-not-allowed", variable


def _flat_spec() -> dict[str, Any]:
    return dict(model_manifest("leak-d")["spec"])


def _placements(secret: str) -> dict[str, dict[str, Any]]:
    escaped = json.dumps(secret)[1:-1]
    return {
        "raw in a description": model_manifest("leak-a", description=f"key: {secret}"),
        "JSON-escaped in a template": model_manifest(
            "leak-b", promptTemplate=f"{escaped} {{input}}"
        ),
        "URL-encoded in a description": model_manifest(
            "leak-c", description="see https://x.test/?k=" + quote(secret, safe="")
        ),
        "a label key": {"name": "leak-d", "labels": {secret: "x"}, **_flat_spec()},
        "a schema property name": model_manifest(
            "leak-e", responseSchema={"type": "object", "properties": {secret: {}}}
        ),
    }


@pytest.mark.parametrize(
    "secret", [CANARY, KEYS["GENESYS_CLIENT_SECRET"] + "-long", TOKENS["admin"]]
)
def test_a_payload_holding_a_known_secret_is_refused_and_never_committed(
    served_repo: ConfigRepo, sandbox_clock: Any, tmp_path: Path, secret: str
) -> None:
    environ = {**ENVIRON, "GENESYS_CLIENT_SECRET": KEYS["GENESYS_CLIENT_SECRET"] + "-long"}
    before = _branches(served_repo)
    with start_service(served_repo, sandbox_clock, tmp_path, environ=environ) as running:
        api = Api(running.url, running.service, role="editor")
        for where, model in _placements(secret).items():
            answer = _configure(api, model)
            assert answer.status_code == 400 and _code(answer) == "secret-literal", where
            assert secret not in answer.text and json.dumps(secret)[1:-1] not in answer.text
    assert _branches(served_repo) == before
    assert secret not in git(served_repo.root, "log", "--all", "-p")
