"""Render a guarded invocation: the verdict, then the result with latency, tokens and cost."""

from __future__ import annotations

import json
from typing import Any


def render_invocation(doc: dict[str, Any], *, fmt: str) -> str:
    """Text or markdown for a person, or the JSON document itself (``formatVersion: 1``)."""
    if fmt == "json":
        return json.dumps({"formatVersion": 1, **doc}, indent=2, default=str)
    guard = doc["guard"]
    if guard["blocked"]:
        reasons = "\n".join(f"  - {r}" for r in guard["reasons"])
        return (
            f"BLOCKED by the input guard (score {guard['score']:.2f}); nothing was sent:\n{reasons}"
        )
    lines = []
    if guard["flagged"]:
        lines.append(f"warning: input flagged by the guard: {'; '.join(guard['reasons'])}")
    lines.append(json.dumps(doc["result"], indent=2, ensure_ascii=False))
    usage = doc["usage"]
    cost = f"${doc['costUsd']}" if doc["costUsd"] is not None else "not priced"
    lines.append(
        f"latency {doc['latencyMs']} ms · tokens {usage['promptTokens']} in / "
        f"{usage['completionTokens']} out · cost {cost} · request {doc['requestId']}"
    )
    return "\n".join(lines)
