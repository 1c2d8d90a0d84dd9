"""Identifiers match as whole values, in one place that the schemas and every layer share."""

from __future__ import annotations

import pytest

from reconciler.manifests.schemas import ENVIRONMENT_SCHEMA, MODEL_SCHEMA, load_schema
from reconciler.structs import identifiers
from reconciler.structs.errors import ConfigError


def test_the_schemas_carry_the_identifier_patterns() -> None:
    model = load_schema(MODEL_SCHEMA)["properties"]["metadata"]["properties"]
    environment = load_schema(ENVIRONMENT_SCHEMA)["properties"]["metadata"]["properties"]
    assert model["name"]["pattern"] == identifiers.MODEL_NAME
    assert model["labels"]["propertyNames"]["pattern"] == identifiers.LABEL_KEY
    assert model["labels"]["additionalProperties"]["pattern"] == identifiers.LABEL_VALUE
    assert environment["name"]["pattern"] == identifiers.ENVIRONMENT_NAME
    assert environment["labels"]["propertyNames"]["pattern"] == identifiers.LABEL_KEY
    assert environment["labels"]["additionalProperties"]["pattern"] == identifiers.LABEL_VALUE
    spec = load_schema(MODEL_SCHEMA)["properties"]["spec"]["properties"]
    assert spec["modelId"]["pattern"] == identifiers.MODEL_ID


@pytest.mark.parametrize(
    "name", ["nlname\n", "nlname\r\n", "nl\nname", "name\x00x", "naïve-name", "n\u0661\u0662"]
)
def test_a_name_with_a_newline_or_a_control_character_is_invalid(name: str) -> None:
    assert not identifiers.is_model_name(name)
    with pytest.raises(ConfigError, match="not a valid model name"):
        identifiers.require_model_name(name)


def test_dollar_means_the_end_of_the_value_and_digits_are_ascii() -> None:
    assert identifiers.matches(r"^[0-9]+$", "12")
    assert not identifiers.matches(r"^[0-9]+$", "12\n")
    assert not identifiers.matches(r"^\d+$", "\u0661\u0662")
    assert identifiers.matches(r"^a[$]$", "a$")  # a '$' inside a class is a character
    assert identifiers.matches(r"^a\$$", "a$")


@pytest.mark.parametrize("value", ["team\n", "te\tam", "x\u2028"])
def test_label_keys_and_variable_names_match_whole(value: str) -> None:
    assert not identifiers.is_label_key(value)
    assert not identifiers.is_variable_name(value)
    assert not identifiers.is_environment_name(value)


def test_a_label_value_holds_no_control_character_nor_line_separator() -> None:
    assert identifiers.matches(identifiers.LABEL_VALUE, "support team é")
    for value in ("x\n", "a\u2028b", "\x1b[31m", "\x85", "admin\u202e", "a\u2066b\u2069"):
        assert not identifiers.matches(identifiers.LABEL_VALUE, value)


def test_a_model_id_is_one_line_of_visible_characters() -> None:
    assert identifiers.matches(identifiers.MODEL_ID, "anthropic.claude-3-5-sonnet-20240620-v1:0")
    for value in ("gpt-4o-mini\n", "gpt\t4o", "gpt-4o\u202e", ""):
        assert not identifiers.matches(identifiers.MODEL_ID, value)
