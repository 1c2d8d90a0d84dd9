"""The write call behind each planned change, run in a worker thread.

Each function returns the id to poll (or None when nothing needs polling). Every write call is
announced by an intent entry just before it is sent and recorded the moment the API accepts
it, so a crash at any point leaves a trace in the local log (see ``recorder``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.engine.record.recorder import Recorder
from reconciler.gateway import GatewayClient
from reconciler.gateway.errors import Conflict, NotFound
from reconciler.structs.errors import ConfigError
from reconciler.structs.plan import Action, PlanItem


@dataclass(frozen=True)
class WriteContext:
    client: GatewayClient
    recorder: Recorder
    delete_timeout: float
    poll_interval: float
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    stopping: Callable[[], bool] = lambda: False  # asked to stop: start nothing new


def perform(item: PlanItem, body: Mapping[str, Any] | None, ctx: WriteContext) -> str | None:
    """Execute one item; returns the model id to poll until it is ACTIVE (or gone, for a delete)."""
    if item.action is Action.CREATE:
        assert body is not None
        if item.model_id is not None:  # an endpoint of that name is still DELETING
            _wait_gone(ctx, item.model_id)
        ctx.recorder.record_intent("MODEL_CREATED", item)
        model = ctx.client.create_model(dict(body))
        _record(ctx, "MODEL_CREATED", item, str(model["id"]), "ACCEPTED")
        return str(model["id"])
    if item.action is Action.UPDATE:
        assert body is not None and item.model_id is not None
        ctx.recorder.record_intent("MODEL_UPDATED", item)
        updated = _update(ctx, item.model_id, body, item.live_version)
        _record(ctx, "MODEL_UPDATED", item, item.model_id, "ACCEPTED")
        return str(updated.get("id", item.model_id))
    if item.action is Action.REPLACE:
        assert body is not None and item.model_id is not None
        ctx.recorder.record_intent("MODEL_DELETED", item)
        ctx.client.delete_model(item.model_id)
        _record(ctx, "MODEL_DELETED", item, item.model_id, "ACCEPTED (replace)")
        _wait_gone(ctx, item.model_id)
        ctx.recorder.record_intent("MODEL_REPLACED", item)
        model = ctx.client.create_model(dict(body))
        _record(
            ctx, "MODEL_REPLACED", item, str(model["id"]), f"ACCEPTED (replaced {item.model_id})"
        )
        return str(model["id"])
    if item.action is Action.DELETE:
        assert item.model_id is not None
        ctx.recorder.record_intent("MODEL_DELETED", item)
        ctx.client.delete_model(item.model_id)
        _record(ctx, "MODEL_DELETED", item, item.model_id, "ACCEPTED")
        return item.model_id
    return item.model_id


def _record(ctx: WriteContext, action: str, item: PlanItem, model_id: str, result: str) -> None:
    """An audit entry carrying the platform's correlation id of the call just accepted."""
    ctx.recorder.record(
        action,
        item=item,
        model_id=model_id,
        result=result,
        correlation_id=ctx.client.last_correlation_id,
    )


def _update(
    ctx: WriteContext, model_id: str, body: Mapping[str, Any], version: int | None
) -> Mapping[str, Any]:
    """PUT with the version the plan was made against.

    A 409 means someone changed the endpoint after the plan was shown: writing over it would
    apply something nobody reviewed, so the item fails and the next run re-plans it.
    """
    if version is None:
        version = int(ctx.client.get_model(model_id).get("version", 1))
    try:
        return ctx.client.update_model(model_id, {**body, "version": version})
    except Conflict as exc:
        raise ConfigError(
            f"the endpoint changed after the plan was made (planned against version {version}); "
            "nothing was written to it",
            hint="run again to see and apply a fresh plan",
        ) from exc


def _wait_gone(ctx: WriteContext, model_id: str) -> None:
    """A replace must free the name before creating again: wait until the old one is gone."""
    deadline = ctx.monotonic() + ctx.delete_timeout
    while ctx.monotonic() < deadline:
        try:
            ctx.client.get_model(model_id)
        except NotFound:
            return
        if ctx.stopping():
            raise TimeoutError(
                f"stopped while old endpoint {model_id} was deleting; the replacement was "
                "not created (the next apply creates it)"
            )
        ctx.sleep(ctx.poll_interval)
    raise TimeoutError(
        f"old endpoint {model_id} was still deleting after "
        f"{ctx.delete_timeout:.0f}s; the replacement was not created"
    )
