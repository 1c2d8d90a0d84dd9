"""Render a guarded invocation: the verdict, then the result with latency, tokens and cost."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reconciler.structs.redaction import redacted_json


@dataclass(frozen=True)
class InvocationReport:
    """A guarded invocation as the engine describes it (``Invocation.as_dict()``)."""

    doc: dict[str, Any]


def invocation_json(doc: dict[str, Any]) -> str:
    """The JSON document itself (``formatVersion: 1``)."""
    return redacted_json({"formatVersion": 1, **doc}, indent=2, default=str) + "\n"


def invocation_text(doc: dict[str, Any], verbose: bool = False) -> str:
    """For a person (text and markdown alike): the verdict, then the answer and its cost;
    with ``verbose``, each rule's weight under the reasons."""
    return _text(doc, verbose) + "\n"


def _details(guard: dict[str, Any], verbose: bool) -> str:
    if not verbose or not guard.get("details"):
        return ""
    return "\n" + "\n".join(f"    {line}" for line in guard["details"])


def _decided(guard: dict[str, Any]) -> str:
    """What decided (``Verdict.decision``); a document from before it says the score."""
    return str(guard.get("decision") or f"score {guard['score']:.2f}")


def _text(doc: dict[str, Any], verbose: bool = False) -> str:
    guard = doc["guard"]
    if guard["blocked"]:
        reasons = "\n".join(f"  - {r}" for r in guard["reasons"])
        return (
            f"BLOCKED by the input guard ({_decided(guard)}); nothing was sent:\n{reasons}"
            + _details(guard, verbose)
        )
    lines = []
    if guard["flagged"]:
        lines.append(
            f"warning: input flagged by the guard ({_decided(guard)}):"
            f" {'; '.join(guard['reasons'])}" + _details(guard, verbose)
        )
    lines.append(redacted_json(doc["result"], indent=2, ensure_ascii=False))
    usage = doc["usage"]
    cost = f"${doc['costUsd']}" if doc["costUsd"] is not None else "not priced"
    lines.append(
        f"latency {doc['latencyMs']} ms · tokens {usage['promptTokens']} in / "
        f"{usage['completionTokens']} out · cost {cost} · request {doc['requestId']}"
    )
    return "\n".join(lines)
