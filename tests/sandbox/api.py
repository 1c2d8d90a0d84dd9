"""A tiny HTTP client for the sandbox tests: real requests over loopback, no mocks."""

from __future__ import annotations

from typing import Any

import requests

from reconciler.sandbox import SandboxServer

MODELS = "/api/v2/ai/models"


def model_body(name: str = "support-classifier", **overrides: Any) -> dict[str, Any]:
    """A valid create body; keys follow the provider rules unless overridden."""
    body: dict[str, Any] = {
        "name": name,
        "description": "classifies tickets",
        "provider": "openai",
        "modelId": "gpt-4o-mini",
        "credentials": {"apiKey": "sk-test-0000"},
        "configuration": {"temperature": 0.1, "maxTokens": 1500, "topP": 1.0},
        "promptTemplate": "Classify the following support ticket: {input}",
        "responseSchema": {
            "type": "object",
            "properties": {
                "category": {"type": "string"},
                "urgency": {"type": "string", "enum": ["low", "medium", "high"]},
                "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            },
            "required": ["category", "urgency"],
        },
        "labels": {"team": "support"},
    }
    body.update(overrides)
    return body


class Api:
    """A session holding a bearer token for one client of a sandbox server."""

    def __init__(
        self, server: SandboxServer, *, client: tuple[str, str] = ("sandbox", "sandbox-secret")
    ) -> None:
        self.base = server.base_url
        self.session = requests.Session()
        self.client = client
        self.token = ""
        self.login()

    def login(self) -> None:
        answer = self.session.post(
            f"{self.base}/oauth/token",
            auth=self.client,
            data={"grant_type": "client_credentials"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        self.token = answer.json()["access_token"]

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.session.request(method, self.base + path, headers=headers, timeout=10, **kwargs)

    def create(self, name: str = "support-classifier", **overrides: Any) -> dict[str, Any]:
        answer = self.call("POST", MODELS, json=model_body(name, **overrides))
        assert answer.status_code == 202, answer.text
        return dict(answer.json())

    def get(self, model_id: str) -> requests.Response:
        return self.call("GET", f"{MODELS}/{model_id}")

    def close(self) -> None:
        self.session.close()
