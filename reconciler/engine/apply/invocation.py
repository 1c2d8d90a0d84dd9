"""Guarded invocation: screen the input, then invoke, then price the call.

``reconcile invoke`` and the post-provisioning health checks share this path, so a health
check exercises exactly what users' traffic would.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reconciler.cost.pricing import call_cost
from reconciler.gateway import GatewayClient
from reconciler.guard import ClassifierConfig, GuardPolicy, Verdict, scan
from reconciler.structs.manifests import ModelEndpoint, Policy


@dataclass(frozen=True)
class Invocation:
    """What one guarded call produced (``result`` is None when the guard blocked it)."""

    verdict: Verdict
    result: Any = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_ms: float | None = None
    cost_usd: Decimal | None = None
    request_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for reporters; the input text itself is not repeated."""
        v = self.verdict
        return {
            "guard": {
                "allowed": v.allowed,
                "blocked": v.blocked,
                "flagged": v.flagged,
                "score": v.score,
                "reasons": list(v.reasons),
                **v.decided(),
                # each rule's family, language and weight, for -v and for debugging
                "details": list(v.details),
                **({} if v.model_score is None else {"modelScore": v.model_score}),
                **(
                    {}
                    if v.classifier_ms is None
                    else {"classifierScore": v.classifier_score, "classifierMs": v.classifier_ms}
                ),
            },
            "result": self.result,
            "usage": {
                "promptTokens": self.prompt_tokens,
                "completionTokens": self.completion_tokens,
            },
            "latencyMs": None if self.latency_ms is None else round(self.latency_ms, 1),
            "costUsd": None if self.cost_usd is None else str(self.cost_usd),
            "requestId": self.request_id,
        }


def guard_policy(model: ModelEndpoint, policy: Policy) -> GuardPolicy:
    """Per-model ``spec.guard`` overrides the environment's ``policy.guard``, field by field."""
    own = model.spec.get("guard") or {}
    classifier = model.guard_classifier or policy.guard_classifier
    return GuardPolicy(
        mode=str(own.get("mode", policy.guard_mode)),
        max_input_chars=int(own.get("maxInputChars", policy.guard_max_input_chars)),
        classifier=(
            None if classifier is None else ClassifierConfig(classifier.path, classifier.threshold)
        ),
    )


def invoke_guarded(
    client: GatewayClient,
    model: ModelEndpoint,
    model_id: str,
    text: str,
    *,
    policy: Policy,
    verdict: Verdict | None = None,
) -> Invocation:
    """Scan ``text`` (unless the caller already did, under the same policy); when allowed,
    send the sanitised input and report usage and cost."""
    verdict = verdict or scan(text, guard_policy(model, policy))
    if verdict.blocked:
        return Invocation(verdict=verdict)
    started = time.perf_counter()
    response = client.invoke_model(model_id, input=verdict.sanitized)
    latency = (time.perf_counter() - started) * 1000
    usage = response.get("usage") or {}
    prompt = int(usage.get("prompt_tokens", 0))
    completion = int(usage.get("completion_tokens", 0))
    cost = call_cost(
        provider=model.provider,
        model_id=model.model_id,
        pricing=model.spec.get("pricing"),
        prompt_tokens=prompt,
        completion_tokens=completion,
    )
    return Invocation(
        verdict=verdict,
        result=response.get("result"),
        prompt_tokens=prompt,
        completion_tokens=completion,
        latency_ms=latency,
        cost_usd=cost,
        request_id=response.get("request_id"),
    )
