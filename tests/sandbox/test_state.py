"""--state: models survive restarts, the lifecycle continues, writes are atomic, no secrets."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.sandbox import ManualClock, SandboxServer
from reconciler.sandbox.embedded import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    embedded_sandbox,
)
from reconciler.structs.errors import ConfigError
from tests.sandbox.api import MODELS, Api

KEY = "sk-live-do-not-leak-1234"


def test_models_and_their_lifecycle_survive_a_restart(
    sandbox_factory: Callable[..., SandboxServer], tmp_path: Path
) -> None:
    state = tmp_path / "nested" / "state.json"
    clock = ManualClock()
    first = sandbox_factory(state_file=state, clock=clock)
    api = Api(first)
    model = api.create(credentials={"apiKey": KEY})
    doomed = api.create("doomed", credentials={"apiKey": "wrong"})
    delay = first.provision_delays()["support-classifier"]
    first.stop()
    assert KEY not in state.read_text()
    assert [p.name for p in state.parent.iterdir()] == ["state.json"]

    later = ManualClock(clock.now() + 40)
    second = sandbox_factory(state_file=state, clock=later)
    api = Api(second)
    again = api.get(model["id"]).json()
    assert again["status"] == "ACTIVE"
    assert again["dateCreated"] == model["dateCreated"]
    assert api.get(doomed["id"]).json()["status"] == "FAILED"
    assert second.provision_delays()["support-classifier"] == delay
    assert api.call("DELETE", f"{MODELS}/{model['id']}").status_code == 202
    later.advance(10)
    assert api.get(model["id"]).status_code == 404
    assert model["id"] not in state.read_text()


def test_a_corrupt_state_file_is_a_clear_config_error(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text("{torn", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"state\.json is unreadable") as caught:
        SandboxServer(SandboxServer().settings.__class__(state_file=state))
    assert caught.value.hint and "delete it" in caught.value.hint


def test_a_future_format_version_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"formatVersion": 99, "models": []}), encoding="utf-8")
    with pytest.raises(ConfigError, match="formatVersion 99"):
        SandboxServer(SandboxServer().settings.__class__(state_file=state))


def test_embedded_sandbox_keeps_state_in_the_config_root(tmp_path: Path) -> None:
    with embedded_sandbox(tmp_path, provision_seconds=(0.0, 0.0)) as server:
        api = Api(server, client=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET))
        model = api.create(credentials={"apiKey": KEY})
        assert api.get(model["id"]).json()["status"] == "ACTIVE"
    state = tmp_path / ".reconciler" / "sandbox" / "default.json"
    assert model["id"] in state.read_text()
    with embedded_sandbox(tmp_path) as server:
        assert Api(server).get(model["id"]).json()["status"] == "ACTIVE"
    with embedded_sandbox(tmp_path, organisation="prod") as server:
        assert Api(server).get(model["id"]).status_code == 404
    assert not (tmp_path / ".reconciler" / "sandbox" / "prod.json").exists()
