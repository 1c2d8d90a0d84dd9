"""``refresh_catalogue`` run on a small wheel built here: trimming, keys and stable output."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from reconciler.cost import refresh_catalogue

RAW = {
    "sample_spec": {"litellm_provider": "one of ...", "mode": "one of ..."},
    "gpt-4o": {
        "litellm_provider": "openai",
        "mode": "chat",
        "input_cost_per_token": 2.5e-06,
        "output_cost_per_token": 1e-05,
        "cache_read_input_token_cost": 1.25e-06,
        "max_input_tokens": 128000,
        "max_output_tokens": 16384,
        "supports_vision": True,
    },
    "ft:gpt-4o-2024-08-06": {
        "litellm_provider": "openai",
        "mode": "chat",
        "input_cost_per_token": 3.75e-06,
        "output_cost_per_token": 1.5e-05,
    },
    "text-embedding-3-small": {
        "litellm_provider": "openai",
        "mode": "embedding",
        "input_cost_per_token": 2e-08,
        "output_cost_per_token": 0.0,
    },
    "gpt-audio": {
        "litellm_provider": "openai",
        "mode": "chat",
        "input_cost_per_token": 2.5e-06,
        "output_cost_per_token": 1e-05,
    },
    "azure/gpt-4o": {
        "litellm_provider": "azure",
        "mode": "chat",
        "input_cost_per_token": 2.5e-06,
        "output_cost_per_token": 1e-05,
    },
    "azure/eu/gpt-4o": {
        "litellm_provider": "azure",
        "mode": "chat",
        "input_cost_per_token": 2.75e-06,
        "output_cost_per_token": 1.1e-05,
    },
    "bedrock/us-east-1/anthropic.claude-v2:1": {
        "litellm_provider": "bedrock",
        "mode": "chat",
        "input_cost_per_token": 8e-06,
        "output_cost_per_token": 2.4e-05,
    },
    "bedrock/moonshotai.kimi-k2.5": {
        "litellm_provider": "bedrock",
        "mode": "chat",
        "input_cost_per_token": 9e-07,
        "output_cost_per_token": 3e-06,
    },
    "moonshotai.kimi-k2.5": {
        "litellm_provider": "bedrock_converse",
        "mode": "chat",
        "input_cost_per_token": 6e-07,
        "output_cost_per_token": 3e-06,
        "cache_creation_input_token_cost": 7.5e-07,
    },
    "mistral-large": {
        "litellm_provider": "mistral",
        "mode": "chat",
        "input_cost_per_token": 2e-06,
        "output_cost_per_token": 6e-06,
    },
    "claude-unpriced": {"litellm_provider": "anthropic", "mode": "chat"},
}


def make_wheel(folder: Path, raw: dict[str, object]) -> Path:
    wheel = folder / "litellm-9.8.7-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(refresh_catalogue.SOURCE_MEMBER, json.dumps(raw))
    return wheel


def test_trims_and_keys_as_manifests_write_them(tmp_path: Path) -> None:
    output = tmp_path / "pricing.json"
    code = refresh_catalogue.main(
        [str(make_wheel(tmp_path, RAW)), "--output", str(output), "--date", "2026-01-02"]
    )
    assert code == 0
    document = json.loads(output.read_text())
    assert document["provenance"]["litellmVersion"] == "9.8.7"
    assert document["provenance"]["date"] == "2026-01-02"
    assert document["models"] == {
        "anthropic": {},
        "azure": {"gpt-4o": {"inputPerToken": "0.0000025", "outputPerToken": "0.00001"}},
        "bedrock": {
            "moonshotai.kimi-k2.5": {
                "cacheWritePerToken": "0.00000075",
                "inputPerToken": "0.0000006",
                "outputPerToken": "0.000003",
            }
        },
        "openai": {
            "gpt-4o": {
                "cacheReadPerToken": "0.00000125",
                "inputPerToken": "0.0000025",
                "maxInputTokens": 128000,
                "maxOutputTokens": 16384,
                "outputPerToken": "0.00001",
            }
        },
    }


def test_output_is_byte_for_byte_stable(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, RAW)
    (tmp_path / "shuffled").mkdir()
    shuffled = make_wheel(tmp_path / "shuffled", dict(reversed(list(RAW.items()))))
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    refresh_catalogue.main([str(wheel), "--output", str(first), "--date", "2026-01-02"])
    refresh_catalogue.main([str(shuffled), "--output", str(second), "--date", "2026-01-02"])
    assert first.read_bytes() == second.read_bytes()
    assert first.read_text().startswith('{\n "provenance": {')
