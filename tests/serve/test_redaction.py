"""The service's JSON answers pass through the redaction point like the CLI's output does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from reconciler.structs.redaction import MASK, forget_all
from tests.fixtures_engine import KEYS, ConfigRepo
from tests.fixtures_serve import TOKENS, commit_all, start_service

SECRET = KEYS["GENESYS_CLIENT_SECRET"]


@pytest.fixture(autouse=True)
def fresh_redaction() -> Iterator[None]:
    forget_all()
    yield
    forget_all()


def test_a_secret_pasted_into_a_description_never_comes_back_in_an_answer(
    served_repo: ConfigRepo, sandbox_clock: Any, tmp_path: Path
) -> None:
    served_repo.write_model("leaky-model", description=f"ops passphrase {SECRET}")
    commit_all(served_repo.root, "a description holding the client secret")
    with start_service(served_repo, sandbox_clock, tmp_path) as running:
        headers = {"Authorization": f"Bearer {TOKENS['viewer']}"}
        answer = requests.get(
            f"{running.url}/api/environments/staging/plan", headers=headers, timeout=30
        )
    assert answer.status_code == 200, answer.text
    assert SECRET not in answer.text
    assert f"ops passphrase {MASK}" in answer.text
