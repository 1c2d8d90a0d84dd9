"""Every committed cassette is free of secrets, and the scrubber catches what it must."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest
import vcr
import yaml

from reconciler.gateway import ClientSettings, GatewayClient
from reconciler.sandbox import SandboxServer
from tests.gateway.test_sandbox import spec
from tests.gateway.wire import CASSETTES, REDACTED, SECRET_KEYS, scrub_body, scrub_response

# What a leaked secret looks like in a cassette: a credential header, a provider API key, the
# sandbox's default secret, or a bearer/basic credential anywhere in the text.
LEAK_PATTERNS = [
    re.compile(r"(?i)^\s*-?\s*authorization\s*:", re.MULTILINE),
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9+/=._-]{8,}"),
    re.compile(r"sk-(ant-)?[A-Za-z0-9_-]{6,}"),
    re.compile(r"ABSK[A-Za-z0-9+/=]{6,}"),
    re.compile(r"sandbox-secret|s3cret"),
    re.compile(r"\b[0-9a-f]{32}\b"),
]


def cassette_files() -> list[Any]:
    return sorted(CASSETTES.glob("*.yaml"))


def walk(value: Any) -> Any:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def test_there_are_cassettes_to_scan() -> None:
    assert len(cassette_files()) >= 4


def leaks(text: str) -> list[str]:
    """Every way ``text`` (a cassette) gives a secret away."""
    found = [pattern.pattern for pattern in LEAK_PATTERNS if pattern.search(text)]
    for interaction in yaml.safe_load(text)["interactions"]:
        if "authorization" in {k.lower() for k in interaction["request"]["headers"]}:
            found.append("Authorization header")
        for body in (interaction["request"]["body"], interaction["response"]["body"]["string"]):
            found += [
                key
                for key, value in walk(_json_or_none(body))
                if key in SECRET_KEYS and value != REDACTED
            ]
    return found


@pytest.mark.parametrize("path", cassette_files(), ids=lambda p: p.name)
def test_a_cassette_holds_no_secret(path: Any) -> None:
    assert leaks(path.read_text(encoding="utf-8")) == []


def test_the_scan_finds_what_an_unscrubbed_recording_leaks(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    settings = ClientSettings(sandbox.base_url, sandbox.base_url, "sandbox", "sandbox-secret")
    recorder = vcr.VCR(cassette_library_dir=str(tmp_path))
    with recorder.use_cassette("raw.yaml"), GatewayClient(settings) as client:
        client.create_model(spec("leaky"))
    found = leaks((tmp_path / "raw.yaml").read_text())
    assert {"Authorization header", "access_token", "apiKey"} <= set(found)


def test_the_scrubber_redacts_tokens_keys_and_form_secrets() -> None:
    response = {
        "headers": {"Set-Cookie": ["a=b"], "Content-Type": ["application/json"]},
        "body": {
            "string": b'{"access_token": "tok-value-9", "nested": [{"apiKey": "sk-abcdef123"}]}'
        },
    }
    scrubbed = scrub_response(response)
    assert scrubbed["headers"] == {"Content-Type": ["application/json"]}
    assert (
        b"tok-value" not in scrubbed["body"]["string"]
        and b"sk-abc" not in scrubbed["body"]["string"]
    )
    assert scrub_body("grant_type=client_credentials&client_secret=x") == (
        f"grant_type=client_credentials&client_secret={quote_plus(REDACTED)}"
    )


def _json_or_none(body: Any) -> Any:
    import json

    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None
