"""The planner on plain values: every action, and what must never cause a diff."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.engine.plan.normalize import comparable, desired_body, fingerprint
from reconciler.engine.plan.planner import Desired, compute_plan
from reconciler.structs.diffs import DiffOp
from reconciler.structs.manifests import ModelEndpoint, Policy
from reconciler.structs.plan import Action

KEY = "sk-test-canary-0123456789abcdef"


def model(name: str = "support-classifier", **spec: Any) -> ModelEndpoint:
    base: dict[str, Any] = {
        "provider": "openai",
        "modelId": "gpt-4o-mini",
        "credentials": {"apiKey": "${OPENAI_API_KEY}"},
        "configuration": {"temperature": 0.1, "maxTokens": 1500, "topP": 1.0},
        "promptTemplate": "Classify: {input}",
        "responseSchema": {"type": "object", "properties": {"c": {"type": "string"}}},
        "usage": {"requestsPerDay": 10, "avgPromptTokens": 10, "avgCompletionTokens": 10},
    }
    base.update(spec)
    return ModelEndpoint(name=name, spec=base, labels={"team": "support"})


def desired(m: ModelEndpoint, key: str = KEY, env: str = "staging") -> Desired:
    return Desired(m.name, desired_body(m, environment=env, api_key=key, credentials={}))


def live_from(d: Desired, **server: Any) -> dict[str, Any]:
    body = {k: v for k, v in d.body.items()}
    body["credentials"] = {k: v for k, v in body["credentials"].items() if k != "apiKey"}
    return {
        "id": "m-1",
        "status": "ACTIVE",
        "version": 3,
        "selfUri": "/x",
        "dateCreated": "2026-01-01T00:00:00Z",
        **body,
        **server,
    }


def plan_for(
    want: list[Desired],
    live: list[dict[str, Any]],
    *,
    prune: bool = False,
    policy: Policy | None = None,
) -> Any:
    return compute_plan(
        environment="staging", desired=want, live=live, policy=policy or Policy(), prune=prune
    )


def test_create_when_absent_and_body_carries_managed_labels() -> None:
    d = desired(model())
    plan = plan_for([d], [])
    (item,) = plan.items
    assert item.action is Action.CREATE
    assert d.body["labels"]["reconcile/managed-by"] == "reconcile"
    assert d.body["labels"]["reconcile/credentials-sha256"] == fingerprint(KEY)
    assert KEY not in repr(plan)


def test_server_fields_key_order_and_empty_values_never_diff() -> None:
    d = desired(model())
    live = live_from(d, description="", errors=[])
    live = dict(reversed(list(live.items())))
    live["configuration"] = {"topP": 1, "maxTokens": 1500, "temperature": 0.1}
    (item,) = plan_for([d], [live]).items
    assert item.action is Action.NOOP, item.changes


def test_update_lists_field_paths_with_old_and_new() -> None:
    d = desired(model(configuration={"temperature": 0.2, "maxTokens": 1500, "topP": 1.0}))
    live = live_from(desired(model()))
    (item,) = plan_for([d], [live]).items
    assert item.action is Action.UPDATE
    assert [(c.path, c.op, c.old, c.new) for c in item.changes] == [
        (("configuration", "temperature"), DiffOp.CHANGE, 0.1, 0.2)
    ]
    assert item.live_version == 3


def test_key_rotation_shows_as_fingerprint_change_not_value() -> None:
    live = live_from(desired(model(), key=KEY))
    (item,) = plan_for([desired(model(), key="sk-rotated-key-999999")], [live]).items
    assert item.action is Action.UPDATE
    assert [c.dotted for c in item.changes] == ["labels.reconcile/credentials-sha256"]
    assert "sk-rotated" not in repr(item)


def test_provider_change_is_a_replace_and_protected_blocks_it() -> None:
    live = live_from(desired(model()))
    new = desired(model(provider="anthropic", modelId="claude-3-5-haiku-20241022"))
    (item,) = plan_for([new], [live]).items
    assert item.action is Action.REPLACE and item.blocked is None
    (item,) = plan_for([new], [live], policy=Policy(protected=("support-classifier",))).items
    assert item.action is Action.REPLACE and "protected" in (item.blocked or "")


@pytest.mark.parametrize(
    ("prune", "policy_prune", "blocked"),
    [(False, False, True), (True, False, True), (False, True, True), (True, True, False)],
)
def test_delete_needs_both_prune_flag_and_policy(
    prune: bool, policy_prune: bool, blocked: bool
) -> None:
    live = live_from(desired(model("old-model")))
    (item,) = plan_for([], [live], prune=prune, policy=Policy(prune=policy_prune)).items
    assert item.action is Action.DELETE
    assert bool(item.blocked) is blocked


def test_unmanaged_models_are_shown_never_touched() -> None:
    live = live_from(desired(model("hand-made")))
    live["labels"] = {"team": "x"}
    (item,) = plan_for([], [live], prune=True, policy=Policy(prune=True)).items
    assert item.action is Action.UNMANAGED and not item.action.writes
    (clash,) = plan_for([desired(model("hand-made"))], [live]).items
    assert clash.action is Action.UNMANAGED and "not managed" in (clash.blocked or "")


def test_models_of_another_environment_are_left_alone() -> None:
    live = live_from(desired(model("shared"), env="dev"))
    (item,) = plan_for([], [live], prune=True, policy=Policy(prune=True)).items
    assert item.action is Action.UNMANAGED


def test_failed_live_model_is_reapplied() -> None:
    d = desired(model())
    (item,) = plan_for([d], [live_from(d, status="FAILED")]).items
    assert item.action is Action.UPDATE and "FAILED" in (item.reason or "")


def test_comparable_drops_api_key() -> None:
    d = desired(model())
    assert "apiKey" not in comparable(d.body).get("credentials", {})


def test_a_deleting_endpoint_counts_as_gone() -> None:
    d = desired(model())
    deleting = live_from(d, status="DELETING", id="old-1")
    (item,) = plan_for([d], [deleting]).items
    assert item.action is Action.CREATE and item.model_id == "old-1"
    assert plan_for([], [deleting], prune=True, policy=Policy(prune=True)).items == ()
