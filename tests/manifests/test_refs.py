"""``${VAR}`` references: found everywhere, resolved only with every variable present."""

from __future__ import annotations

import pytest

from reconciler.manifests import find_refs, resolve_refs
from reconciler.structs.errors import ConfigError

SPEC = {
    "credentials": {"apiKey": "${OPENAI_KEY}", "endpoint": "https://${RESOURCE}.example.com"},
    "labels": ["${OPENAI_KEY}", {"x": "${REGION}"}],
    "configuration": {"maxTokens": 10},
}


def test_find_refs_lists_each_name_once_in_order() -> None:
    assert find_refs(SPEC) == ["OPENAI_KEY", "RESOURCE", "REGION"]
    assert find_refs("no refs $HOME {X} $(Y)") == []


def test_resolve_refs_substitutes_everywhere_and_leaves_input_alone() -> None:
    env = {"OPENAI_KEY": "k", "RESOURCE": "contoso", "REGION": "eu"}
    resolved = resolve_refs(SPEC, env)
    assert resolved["credentials"] == {"apiKey": "k", "endpoint": "https://contoso.example.com"}
    assert resolved["labels"] == ["k", {"x": "eu"}]
    assert resolved["configuration"] == {"maxTokens": 10}
    assert SPEC["credentials"]["apiKey"] == "${OPENAI_KEY}"


def test_resolve_refs_names_every_missing_variable() -> None:
    with pytest.raises(ConfigError) as info:
        resolve_refs(SPEC, {"RESOURCE": "contoso"})
    assert "OPENAI_KEY" in info.value.message
    assert "REGION" in info.value.message
    assert "RESOURCE" not in info.value.message


def test_a_value_containing_ref_syntax_is_not_resolved_again() -> None:
    assert resolve_refs({"a": "${A}"}, {"A": "${B}"}) == {"a": "${B}"}
