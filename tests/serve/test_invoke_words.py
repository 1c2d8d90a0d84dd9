"""What ``POST /api/invoke-protected`` tells an API caller about its input, in the API's terms
(the body's ``input`` field, the manifest's ``guard.maxInputChars``), not the CLI's flags."""

from __future__ import annotations

import pytest

from tests.fixtures_engine import ConfigRepo
from tests.fixtures_serve import Api, commit_all


def invoke(api: Api, text: str) -> tuple[int, dict[str, object]]:
    body = {"env": "staging", "model": "support-classifier", "input": text}
    answer = api("POST", "/api/invoke-protected", role="invoker", json=body)
    return answer.status_code, answer.json()


def test_input_over_the_cap_names_the_manifest_field(api: Api, served_repo: ConfigRepo) -> None:
    served_repo.write_model("support-classifier", guard={"maxInputChars": 20})
    commit_all(served_repo.root, "a 20-character cap")
    status, body = invoke(api, "Where is my parcel? It is late.")
    assert status == 422, body
    (reason,) = body["guard"]["reasons"]  # type: ignore[index]
    assert "over the 20-character cap" in reason and "guard.maxInputChars" in reason, reason
    assert "max_input_chars" not in reason


@pytest.mark.parametrize("text", ["", "  \n\t "])
def test_empty_input_says_what_to_send(api: Api, text: str) -> None:
    status, body = invoke(api, text)
    assert status == 400, body
    message = body["error"]["message"]  # type: ignore[index]
    assert '"input"' in message and "--input" not in message and "stdin" not in message, message
