"""The service under abuse (issue 26): malformed bodies, failed logins, request ids, logs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.fixtures_engine import ConfigRepo
from tests.fixtures_serve import Api, start_service

JSON = {"Content-Type": "application/json"}

MALFORMED = {
    "lone surrogate": b'{"env": "staging", "model": {"name": "ab\\ud800c"}}',
    "lone surrogate key": b'{"env": "staging", "model": {"\\udfff": 1}}',
    "too deep": b'{"env": ' + b"[" * 65 + b"]" * 65 + b"}",
    "very deep": b'{"env": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    "deep objects": b'{"a": ' + b'{"a": ' * 70 + b"1" + b"}" * 70 + b"}",
    "huge integer": b'{"env": "staging", "n": 9007199254740993}',
    "5000 digits": b'{"env": "staging", "n": ' + b"9" * 5000 + b"}",
    "huge float": b'{"env": "staging", "n": 1e400}',
    "NaN": b'{"env": "staging", "n": NaN}',
    "Infinity": b'{"env": "staging", "n": -Infinity}',
    "invalid utf-8": b'{"env": "st\xc3\x28ging"}',
    "overlong utf-8": b'{"env": "\xc0\xaf"}',
    "utf-8 surrogate": b'{"env": "\xed\xa0\x80"}',
}


def test_every_malformed_body_is_a_400_on_every_route_that_reads_one(api: Api) -> None:
    for route in ("/api/validate", "/api/configure-model", "/api/invoke-protected"):
        for name, body in MALFORMED.items():
            answer = api("POST", route, data=body, headers=JSON)
            assert answer.status_code == 400, (route, name, answer.text)
            assert answer.json()["error"]["code"] == "malformed-json", (route, name)


def test_depth_64_and_2_to_the_53_are_still_accepted(api: Api) -> None:
    nested = (
        b'{"env": "staging", "x": ' + b"[" * 63 + b"]" * 63 + b', "model": {"name": "ok-name"}}'
    )
    answer = api("POST", "/api/validate", data=nested, headers=JSON)
    assert answer.status_code == 200, answer.text
    edge = b'{"env": "staging", "n": -9007199254740992, "f": 1.5e10, "model": {"name": "ok-name"}}'
    assert api("POST", "/api/validate", data=edge, headers=JSON).status_code == 200


def test_twenty_failed_logins_a_minute_from_one_address_are_throttled(api: Api) -> None:
    bad = {"Authorization": "Bearer guess-0000"}
    codes = [api("GET", "/api/environments", role=None, headers=bad).status_code for _ in range(20)]
    assert codes == [401] * 20
    refused = api("GET", "/api/environments", role=None, headers=bad)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "too-many-requests"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    # a guess that happens to be right is refused too, or the throttle would only slow guessing
    assert api("GET", "/api/environments", role="viewer").status_code == 429
    assert api("GET", "/healthz", role=None).status_code == 200


def test_behind_a_proxy_the_client_address_is_the_one_the_proxy_saw(
    served_repo: ConfigRepo, sandbox_clock: Any, tmp_path: Path
) -> None:
    with start_service(served_repo, sandbox_clock, tmp_path, behind_proxy=True) as running:
        api = Api(running.url, running.service)
        guesser = {"Authorization": "Bearer guess-0000", "X-Forwarded-For": "203.0.113.5"}
        for _ in range(21):
            last = api("GET", "/api/environments", role=None, headers=guesser)
        assert last.status_code == 429
        other = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9"}
        assert api("GET", "/api/environments", role="viewer", headers=other).status_code == 200
        spoofed = {"X-Forwarded-For": "203.0.113.9, 203.0.113.5"}
        assert api("GET", "/api/environments", role="viewer", headers=spoofed).status_code == 429


def test_metrics_need_a_viewer_token_whenever_tokens_are_in_use(api: Api) -> None:
    assert api("GET", "/metrics", role=None).status_code == 401
    assert api("GET", "/metrics", role="viewer").status_code == 200


def test_metrics_are_open_on_loopback_without_tokens(
    served_repo: ConfigRepo, sandbox_clock: Any, tmp_path: Path
) -> None:
    with start_service(served_repo, sandbox_clock, tmp_path, tokens=None, sandbox=True) as running:
        answer = Api(running.url, running.service)("GET", "/metrics", role=None)
        assert answer.status_code == 200 and "reconcile_serve_requests_total" in answer.text
