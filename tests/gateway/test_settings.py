"""Client settings: limits named as the user writes them, and the burst of the token bucket."""

from __future__ import annotations

import pytest

from reconciler.gateway import ClientSettings
from reconciler.structs.errors import ConfigError

URLS = ("https://api.mypurecloud.com", "https://login.mypurecloud.com", "id", "top-secret-1")


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"requests_per_minute": 0}, "policy.requestsPerMinute must be positive, got 0"),
        ({"pool_size": 0}, "policy.maxParallel must be positive, got 0"),
        ({"timeout_seconds": -1.0}, "client setting timeout_seconds must be positive"),
        ({"burst_seconds": 0.0}, "client setting burst_seconds must be positive"),
        ({"burst_seconds": float("nan")}, "client setting burst_seconds must be positive"),
    ],
)
def test_a_bad_limit_is_named_by_its_manifest_field(override: dict[str, float], named: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ClientSettings(*URLS, environment="staging", **override)  # type: ignore[arg-type]
    assert named in caught.value.message
    assert "requests_per_minute" not in caught.value.message
    assert "pool_size" not in caught.value.message


def test_a_manifest_limit_hint_points_at_the_environment_file() -> None:
    with pytest.raises(ConfigError) as caught:
        ClientSettings(*URLS, requests_per_minute=-5, environment="staging")
    assert caught.value.hint == (
        "set spec.policy.requestsPerMinute to a positive number"
        " in environments/staging/environment.yaml"
    )


@pytest.mark.parametrize(
    ("per_minute", "burst_seconds", "capacity"),
    [(300, 1.0, 5.0), (300 * 25, 1 / 25, 5.0), (60, 1 / 25, 1.0), (6000, 0.5, 50.0)],
)
def test_the_burst_is_burst_seconds_of_the_rate_and_at_least_one(
    per_minute: int, burst_seconds: float, capacity: float
) -> None:
    settings = ClientSettings(*URLS, requests_per_minute=per_minute, burst_seconds=burst_seconds)
    assert settings.burst_capacity == pytest.approx(capacity)


def test_the_default_burst_is_one_second() -> None:
    assert ClientSettings(*URLS).burst_seconds == 1.0
    assert ClientSettings(*URLS).burst_capacity == 5.0
