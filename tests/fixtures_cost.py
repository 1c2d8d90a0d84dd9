"""Fixtures for the cost tests: a config repository on disk with priced and unpriced models."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

USAGE = {"requestsPerDay": 20000, "avgPromptTokens": 450, "avgCompletionTokens": 60}


def model_manifest(
    name: str,
    *,
    provider: str = "openai",
    model_id: str = "gpt-4o-mini",
    usage: dict[str, Any] | None = None,
    pricing: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A valid ModelEndpoint manifest; credentials are ${VAR} references, never values."""
    credentials: dict[str, Any] = {"apiKey": "${OPENAI_API_KEY}"}
    if provider == "azure":
        credentials["endpoint"] = "https://example-resource.openai.azure.com"
    if provider == "bedrock":
        credentials["region"] = "us-east-1"
    spec: dict[str, Any] = {
        "provider": provider,
        "modelId": model_id,
        "credentials": credentials,
        "configuration": {"temperature": 0.1, "maxTokens": 500},
        "promptTemplate": "Classify the ticket: <ticket>{input}</ticket>",
    }
    if usage is not None:
        spec["usage"] = usage
    if pricing is not None:
        spec["pricing"] = pricing
    return {
        "apiVersion": "reconciler/v1",
        "kind": "ModelEndpoint",
        "metadata": {"name": name},
        "spec": spec,
    }


def environment_manifest(name: str, *, budget: dict[str, Any] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "region": "sandbox",
        "credentials": {
            "clientId": "${GENESYS_CLIENT_ID}",
            "clientSecret": "${GENESYS_CLIENT_SECRET}",
        },
    }
    if budget is not None:
        spec["budget"] = budget
    return {
        "apiVersion": "reconciler/v1",
        "kind": "Environment",
        "metadata": {"name": name},
        "spec": spec,
    }


ConfigRepo = Callable[..., Path]


@pytest.fixture
def cost_repo(tmp_path: Path) -> ConfigRepo:
    """Write ``environments/<env>/`` with the given models; returns the repository root."""

    def write(
        env: str, models: list[dict[str, Any]], *, budget: dict[str, Any] | None = None
    ) -> Path:
        folder = tmp_path / "environments" / env
        (folder / "models").mkdir(parents=True, exist_ok=True)
        (folder / "environment.yaml").write_text(
            yaml.safe_dump(environment_manifest(env, budget=budget), sort_keys=False)
        )
        for model in models:
            path = folder / "models" / f"{model['metadata']['name']}.yaml"
            path.write_text(yaml.safe_dump(model, sort_keys=False))
        return tmp_path

    return write
