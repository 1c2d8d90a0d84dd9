"""``POST /api/invoke-protected``: ``reconcile invoke``'s own path, on kept-open connections.

The environment comes from the cache, the client is the environment's long-lived one, and
the rest is ``engine.invoke_job``'s ``screen`` then ``invoke_live``: guard, policy, the ACTIVE
check, the call, usage and cost. A blocked input answers 422 before any connection is used.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reconciler.engine.jobs.invoke_job import invoke_live, screen
from reconciler.engine.plan.secrets import require_references
from reconciler.gateway.errors import Conflict, NotFound
from reconciler.serve.connections import INVOKE_RECHECK_SECONDS
from reconciler.serve.errors import ApiError
from reconciler.serve.service import Service


@dataclass(frozen=True)
class InvokeCall:
    env: str
    model: str
    text: str


@dataclass(frozen=True)
class Timed:
    """An answer with the time spent in the service and in the model call, in ms."""

    body: dict[str, Any]
    total_ms: float
    model_ms: float


def invoke_protected(service: Service, call: InvokeCall) -> Timed:
    started = time.perf_counter()
    if not call.text.strip():  # screen's own refusal names the CLI's --input and stdin
        raise ApiError(
            400,
            "invalid",
            'the input is empty or only whitespace: send the text to try as "input" in the '
            'body, e.g. {"env": ENV, "model": NAME, "input": "Where is my parcel?"}',
        )
    loaded = service.connections.environment(call.env, max_age=INVOKE_RECHECK_SECONDS)
    model, verdict = screen(loaded, call.model, call.text)
    metrics = service.metrics
    if verdict.blocked:
        metrics.verdicts.labels(verdict="block").inc()
        metrics.invocations.labels(env=call.env, outcome="blocked").inc()
        reasons = list(verdict.reasons)
        raise ApiError(
            422,
            "blocked",
            "the input guard blocked this input; nothing was sent",
            body={"guard": {"verdict": "block", "reasons": reasons, **verdict.decided()}},
        )
    settings = service.settings
    require_references(loaded, settings.environ, sandbox=settings.sandbox, models=False)
    connections = service.connections
    live = connections.live(loaded.config)
    try:
        outcome = invoke_live(
            connections.client(loaded.config),
            loaded,
            model,
            call.text,
            verdict=verdict,
            find=live.find,
        )
    except (Conflict, NotFound) as exc:
        live.forget(model.name)
        message = f"'{model.name}' cannot take calls now: {exc.message}"
        raise ApiError(409, "not-active", message) from exc
    label = "flag" if outcome.verdict.flagged else "allow"
    metrics.verdicts.labels(verdict=label).inc()
    metrics.invocations.labels(env=call.env, outcome="ok").inc()
    if outcome.cost_usd is not None:
        metrics.cost.labels(env=call.env).inc(float(outcome.cost_usd))
    body = {
        "result": outcome.result,
        "latencyMs": round(outcome.latency_ms or 0.0, 1),
        "usage": {
            "promptTokens": outcome.prompt_tokens,
            "completionTokens": outcome.completion_tokens,
        },
        "costUsd": _money(outcome.cost_usd),
        "guard": {
            "verdict": label,
            "reasons": list(outcome.verdict.reasons),
            **outcome.verdict.decided(),
        },
        "requestId": outcome.request_id,
    }
    total = (time.perf_counter() - started) * 1000
    return Timed(body, total_ms=total, model_ms=outcome.latency_ms or 0.0)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
