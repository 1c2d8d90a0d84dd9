"""apiBaseUrl/loginBaseUrl: a region's hosts, loopback, or hosts listed outside git."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.manifests import validate_environments
from tests.fixtures_manifests import EXAMPLE_ENV, EXAMPLES

FOREIGN = EXAMPLES / "invalid" / "environment-foreign-host.yaml"


def test_a_listed_host_is_accepted(
    example_env: Callable[[Path], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example_env(FOREIGN)
    assert [p.rule for p in validate_environments(root, [EXAMPLE_ENV])] == ["base-url-host"]
    monkeypatch.setenv("RECONCILE_ALLOWED_HOSTS", " login.mypurecloud.com.collector.example ")
    assert validate_environments(root, [EXAMPLE_ENV]) == []
