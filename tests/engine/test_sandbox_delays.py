"""The embedded sandbox provisions as fast as its caller asks: RECONCILE_SANDBOX_PROVISION_SECONDS
reaches the server ``--sandbox`` starts, and a malformed value is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.engine.apply.connect import PROVISION_VARIABLE, open_client, sandbox_delays
from reconciler.structs.errors import ConfigError
from reconciler.structs.manifests import EnvironmentConfig


def test_delays_come_from_the_callers_environment() -> None:
    assert sandbox_delays({}) == (1.0, 3.0)
    assert sandbox_delays({PROVISION_VARIABLE: "0:0.5"}) == (0.0, 0.5)
    assert sandbox_delays({PROVISION_VARIABLE: "2"}) == (2.0, 2.0)


@pytest.mark.parametrize("text", ["fast", "3:1", "-1:2"])
def test_a_malformed_value_names_the_variable(text: str) -> None:
    with pytest.raises(ConfigError) as info:
        sandbox_delays({PROVISION_VARIABLE: text})
    assert PROVISION_VARIABLE in info.value.render()


def test_a_model_created_in_the_embedded_sandbox_is_active_at_once(tmp_path: Path) -> None:
    config = EnvironmentConfig(
        name="dev", region="sandbox", client_id_ref="${X}", client_secret_ref="${Y}"
    )
    body = {
        "name": "m",
        "provider": "openai",
        "modelId": "gpt-4o-mini",
        "credentials": {"apiKey": "sk-test-0000000000"},
    }
    with open_client(config, environ={PROVISION_VARIABLE: "0"}, sandbox_root=tmp_path) as client:
        created = client.create_model(body)
        assert client.get_model(str(created["id"]))["status"] == "ACTIVE"
