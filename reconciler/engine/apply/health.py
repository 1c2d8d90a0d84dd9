"""Post-provisioning health checks: each model's ``healthCheck.input`` through the guarded path."""

from __future__ import annotations

from reconciler.engine.apply.invocation import invoke_guarded
from reconciler.engine.apply.settle import HealthCheck
from reconciler.engine.plan.prepare import Prepared
from reconciler.gateway import GatewayClient
from reconciler.structs.errors import ReconcileError
from reconciler.structs.manifests import LoadedEnvironment


def guarded_health_check(prepared: Prepared, client: GatewayClient) -> HealthCheck | None:
    """A callable for the applier, or None when no model declares a health check."""
    return health_check_for(prepared.loaded, client)


def health_check_for(loaded: LoadedEnvironment, client: GatewayClient) -> HealthCheck | None:
    """The health check of ``loaded``'s models (for the applier and for drift)."""
    if not any((m.spec.get("healthCheck") or {}).get("input") for m in loaded.models):
        return None

    def check(name: str, model_id: str) -> tuple[bool, str] | None:
        model = loaded.model(name)
        text = str(((model.spec.get("healthCheck") or {}) if model else {}).get("input", ""))
        if model is None or not text:
            return None
        try:
            result = invoke_guarded(client, model, model_id, text, policy=loaded.config.policy)
        except ReconcileError as exc:
            return False, exc.message
        if result.verdict.blocked:
            verdict = result.verdict
            said = f"health check input was blocked by the guard ({verdict.decision()}): "
            return False, said + "; ".join(verdict.reasons)
        cost = f"${result.cost_usd:.6f}" if result.cost_usd is not None else "not priced"
        return True, (
            f"{result.latency_ms:.0f} ms, {result.prompt_tokens} prompt + "
            f"{result.completion_tokens} completion tokens, {cost}"
        )

    return check
