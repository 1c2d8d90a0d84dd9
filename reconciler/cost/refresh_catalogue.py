"""Regenerate ``reconciler/data/pricing.json`` from a downloaded LiteLLM wheel.

Usage::

    pip download --no-deps litellm -d /tmp/litellm
    python -m reconciler.cost.refresh_catalogue /tmp/litellm/litellm-*.whl [--date YYYY-MM-DD]

LiteLLM's ``model_prices_and_context_window_backup.json`` (MIT) is the source. We keep only chat
models of the four gateway providers, only the fields we price with, keyed the way a manifest
writes ``provider`` and ``modelId``. Output is sorted with prices as fixed-point strings, so a
price update is one command and a diff a reviewer can read. The run never touches the network.
"""

from __future__ import annotations

import argparse
import json
import re
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

SOURCE_MEMBER = "litellm/model_prices_and_context_window_backup.json"
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "data" / "pricing.json"
PROVIDERS = {
    "openai": "openai",
    "azure": "azure",
    "anthropic": "anthropic",
    "bedrock": "bedrock",
    "bedrock_converse": "bedrock",
}
PRICE_FIELDS = {
    "input_cost_per_token": "inputPerToken",
    "output_cost_per_token": "outputPerToken",
    "cache_read_input_token_cost": "cacheReadPerToken",
    "cache_creation_input_token_cost": "cacheWritePerToken",
}
LIMIT_FIELDS = {"max_input_tokens": "maxInputTokens", "max_output_tokens": "maxOutputTokens"}
# Chat-mode entries that are not text chat models (audio, realtime) or are not models at all.
SKIPPED_NAME = re.compile(r"^ft:|audio|realtime|container|computer-use")


def trim(raw: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Keep the chat models of our providers; on a duplicate key the unprefixed entry wins."""
    out: dict[str, dict[str, dict[str, Any]]] = {p: {} for p in sorted(set(PROVIDERS.values()))}
    for key in sorted(raw, key=lambda k: (k.count("/"), k)):
        entry = raw[key]
        if not isinstance(entry, dict) or entry.get("mode") != "chat":
            continue
        provider = PROVIDERS.get(str(entry.get("litellm_provider")))
        if provider is None:
            continue
        model_id = key.removeprefix(f"{provider}/")
        # Anything still containing "/" is a regional, commitment or deployment-type variant.
        if "/" in model_id or SKIPPED_NAME.search(model_id) or model_id in out[provider]:
            continue
        converted = _convert(entry)
        if converted is not None:
            out[provider][model_id] = converted
    return out


def _convert(entry: dict[str, Any]) -> dict[str, Any] | None:
    if entry.get("input_cost_per_token") is None or entry.get("output_cost_per_token") is None:
        return None
    out: dict[str, Any] = {}
    for source, target in PRICE_FIELDS.items():
        if entry.get(source) is not None:
            out[target] = _fixed(entry[source])
    for source, target in LIMIT_FIELDS.items():
        if isinstance(entry.get(source), int):
            out[target] = entry[source]
    return out


def _fixed(value: float | int | str) -> str:
    """A float like 2.5e-06 as the exact decimal its shortest repr denotes: "0.0000025"."""
    text = format(Decimal(repr(value) if isinstance(value, float) else str(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def read_wheel(wheel: Path) -> tuple[dict[str, Any], str]:
    """The raw LiteLLM data and the version named by the wheel file."""
    with zipfile.ZipFile(wheel) as archive:
        raw = json.loads(archive.read(SOURCE_MEMBER))
    version = wheel.name.split("-")[1] if wheel.name.count("-") >= 2 else "unknown"
    return raw, version


def build(raw: dict[str, Any], *, version: str, date: str) -> dict[str, Any]:
    return {
        "provenance": {
            "source": "https://github.com/BerriAI/litellm",
            "file": SOURCE_MEMBER,
            "package": f"litellm=={version} (wheel from PyPI)",
            "litellmVersion": version,
            "date": date,
            "license": "MIT (Copyright (c) 2023 Berri AI)",
            "units": "USD per token; limits in tokens",
            "regenerate": "python -m reconciler.cost.refresh_catalogue PATH_TO_LITELLM_WHEEL",
        },
        "models": trim(raw),
    }


def render(document: dict[str, Any]) -> str:
    """Provenance first, then everything below it in sorted order: stable, diffable output."""
    ordered = {"provenance": _sorted(document["provenance"]), "models": _sorted(document["models"])}
    return json.dumps(ordered, indent=1, ensure_ascii=False) + "\n"


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="a litellm-*.whl downloaded from PyPI")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--date",
        default=datetime.now(UTC).date().isoformat(),
        help="the date recorded in the provenance header (default: today, UTC)",
    )
    args = parser.parse_args(argv)
    raw, version = read_wheel(args.wheel)
    document = build(raw, version=version, date=args.date)
    args.output.write_text(render(document), encoding="utf-8")
    counts = ", ".join(f"{p}: {len(m)}" for p, m in document["models"].items())
    print(f"wrote {args.output} from litellm {version} ({counts})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
