"""The service under abuse (issue 26): malformed bodies, failed logins, request ids, logs."""

from __future__ import annotations

from tests.fixtures_serve import Api

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
