"""Region table and base-URL rules: https everywhere, plain http only on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.gateway import ClientSettings, endpoints_for_region
from reconciler.structs.errors import ConfigError

REGIONS = json.loads(
    (Path(__file__).parents[2] / "reconciler" / "data" / "regions.json").read_text()
)


def test_the_table_has_the_18_regions_of_the_contract_and_says_where_it_comes_from() -> None:
    assert len(REGIONS["regions"]) == 18
    assert "CONTRACT" in REGIONS["provenance"]


@pytest.mark.parametrize(
    ("region", "api", "login"),
    [
        ("us-east-1", "https://api.mypurecloud.com", "https://login.mypurecloud.com"),
        ("eu-west-1", "https://api.mypurecloud.ie", "https://login.mypurecloud.ie"),
        ("us-east-2", "https://api.use2.us-gov-pure.cloud", "https://login.use2.us-gov-pure.cloud"),
        ("ap-southeast-2", "https://api.mypurecloud.com.au", "https://login.mypurecloud.com.au"),
        (
            "eusc-de-east-1",
            "https://api.edee1.eusc-pure.cloud",
            "https://login.edee1.eusc-pure.cloud",
        ),
    ],
)
def test_a_region_maps_to_its_api_and_login_hosts(region: str, api: str, login: str) -> None:
    assert endpoints_for_region(region) == (api, login)


def test_every_region_yields_https_hosts_on_its_domain() -> None:
    for region, domain in REGIONS["regions"].items():
        assert endpoints_for_region(region) == (f"https://api.{domain}", f"https://login.{domain}")


def test_overrides_win_and_lose_their_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILE_ALLOWED_HOSTS", "other.example.org, PROXY.example.com")
    api, login = endpoints_for_region(
        "eu-central-1", api_base_url="https://proxy.example.com/", login_base_url=None
    )
    assert (api, login) == ("https://proxy.example.com", "https://login.mypurecloud.de")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8787", "http://127.9.9.9", "http://localhost:1", "http://[::1]:80"]
)
def test_plain_http_is_allowed_for_loopback(url: str) -> None:
    assert endpoints_for_region("sandbox", api_base_url=url, login_base_url=url) == (url, url)


@pytest.mark.parametrize(
    "url",
    [
        "http://api.mypurecloud.com",
        "http://10.0.0.1:8787",
        "ftp://127.0.0.1",
        "not a url",
        "https://user:pw@api.example.com",
    ],
)
def test_insecure_or_odd_urls_are_refused(url: str) -> None:
    with pytest.raises(ConfigError):
        endpoints_for_region("us-east-1", api_base_url=url)


def test_sandbox_needs_both_base_urls() -> None:
    with pytest.raises(ConfigError, match="apiBaseUrl and loginBaseUrl"):
        endpoints_for_region("sandbox", api_base_url="http://127.0.0.1:1")


def test_unknown_region_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        endpoints_for_region("mars-north-1")
    assert "mars-north-1" in caught.value.message
    assert caught.value.hint is not None and "eu-west-2" in caught.value.hint


def test_settings_never_show_the_secret_and_refuse_insecure_urls() -> None:
    api, login = "https://api.mypurecloud.ie", "https://login.mypurecloud.ie"
    settings = ClientSettings(api, login, "id", "top-secret-1")
    assert "top-secret-1" not in repr(settings) and "top-secret-1" not in str(settings)
    with pytest.raises(ConfigError):
        ClientSettings("http://api.mypurecloud.ie", login, "id", "top-secret-1")
    with pytest.raises(ConfigError):
        ClientSettings(api, login, "id", "s", max_attempts=0)


@pytest.mark.parametrize(
    "url",
    [
        "https://attacker.example.com",
        "https://mypurecloud.com.attacker.example",
        "https://evilmypurecloud.com",
        "https://api.mypurecloud.com.evil.io",
    ],
)
def test_a_host_outside_the_regions_and_loopback_is_refused_unless_listed(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RECONCILE_ALLOWED_HOSTS", raising=False)
    with pytest.raises(ConfigError, match="RECONCILE_ALLOWED_HOSTS") as caught:
        endpoints_for_region("us-east-1", api_base_url=url)
    assert "RECONCILE_ALLOWED_HOSTS" in (caught.value.hint or "")
    with pytest.raises(ConfigError):
        ClientSettings("https://api.mypurecloud.com", url, "id", "top-secret-1")
    host = url.split("//")[1]
    monkeypatch.setenv("RECONCILE_ALLOWED_HOSTS", f"127.0.0.1,{host.upper()}")
    assert endpoints_for_region("us-east-1", login_base_url=url)[1] == url


def test_the_transport_refuses_a_foreign_host_before_sending(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reconciler.gateway.transport import Transport

    monkeypatch.delenv("RECONCILE_ALLOWED_HOSTS", raising=False)
    transport = Transport(pool_size=1, timeout_seconds=1)
    sent: list[str] = []
    monkeypatch.setattr(transport._session, "request", lambda *a, **k: sent.append(a[1]))
    with pytest.raises(ConfigError, match="nothing was sent"):
        transport.send("POST", "https://attacker.example.com/oauth/token", data={"x": "y"})
    assert sent == []
