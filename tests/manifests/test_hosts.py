"""apiBaseUrl/loginBaseUrl: a region's hosts, loopback, or hosts listed outside git."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.gateway.regions import check_base_url
from reconciler.manifests import validate_environments
from reconciler.structs.errors import ConfigError
from tests.fixtures_manifests import EXAMPLE_ENV, EXAMPLES

FOREIGN = EXAMPLES / "invalid" / "environment-foreign-host.yaml"


def test_a_listed_host_is_accepted(
    example_env: Callable[[Path], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example_env(FOREIGN)
    assert [p.rule for p in validate_environments(root, [EXAMPLE_ENV])] == ["base-url-host"]
    monkeypatch.setenv("RECONCILE_ALLOWED_HOSTS", " login.mypurecloud.com.collector.example ")
    assert validate_environments(root, [EXAMPLE_ENV]) == []


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://[::1:8787", "not a URL"),  # urlsplit raised: validate crashed
        ("https://evil.example\\@api.mypurecloud.com", "backslash"),  # WHATWG: host evil
        ("https://api.mypurecloud.com/x?y=1", "query"),
        ("http://127.0.0.1:99999", "port"),
        ("http://127.0.0.1:ab", "port"),
        ("http://127.0.0\t.1:8787", "control character"),  # urlsplit drops the tab
        ("https://api.mypurecloud.com\n", "control character"),
    ],
)
def test_validate_refuses_every_base_url_the_client_would(
    example_env: Callable[[Path], Path], tmp_path: Path, url: str, says: str
) -> None:
    """One check for validate and the client: validate passed (or crashed on) URLs that the
    run then refused with exit 1 or 5, or that different parsers read as different hosts."""
    example = tmp_path / "environment-url.yaml"
    text = FOREIGN.read_text(encoding="utf-8")
    example.write_text(
        "\n".join(ln for ln in text.splitlines() if "BaseUrl" not in ln)
        + f"\n  apiBaseUrl: {json.dumps(url)}\n",
        encoding="utf-8",
    )
    problems = validate_environments(example_env(example), [EXAMPLE_ENV])
    assert [p.rule for p in problems] == ["base-url"], problems
    assert says in problems[0].message
    with pytest.raises(ConfigError, match=says):
        check_base_url(url, {})
