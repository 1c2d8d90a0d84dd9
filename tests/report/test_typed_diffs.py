"""Typed diffs: exact nested paths (label keys with dots stay one key), lists whole, YAML diffs."""

from __future__ import annotations

from reconciler.engine.plan.diff import field_changes
from reconciler.report.changes import fenced, markdown_diff, text_lines
from reconciler.structs.diffs import DiffOp

SCHEMA = {
    "type": "object",
    "properties": {"urgency": {"type": "string", "enum": ["low", "medium", "high"]}},
    "required": ["urgency"],
}


def test_nested_changes_have_exact_tuple_paths_and_label_keys_keep_their_dots() -> None:
    old = {"labels": {"team.example.com/owner": "support"}, "configuration": {"topP": 1}}
    new = {"labels": {"team.example.com/owner": "billing"}, "configuration": {"topP": 1.0}}
    (found,) = field_changes(old, new)
    assert found.op is DiffOp.CHANGE and found.path == ("labels", "team.example.com/owner")
    assert found.dotted == 'labels["team.example.com/owner"]'


def test_a_schema_enum_change_is_one_list_change_shown_as_a_yaml_line_diff() -> None:
    changed = {**SCHEMA, "properties": {"urgency": {"type": "string", "enum": ["low", "high"]}}}
    (found,) = field_changes({"responseSchema": SCHEMA}, {"responseSchema": changed})
    assert found.path == ("responseSchema", "properties", "urgency", "enum")
    assert (found.old, found.new) == (["low", "medium", "high"], ["low", "high"])
    block = markdown_diff((found,))
    assert block[0] == "@@ responseSchema.properties.urgency.enum @@"
    assert "-- medium" in block and "+- medium" not in block
    text = "\n".join(text_lines(found))
    assert "-- medium" in text


def test_adds_and_removes_are_typed() -> None:
    found = field_changes({"description": "old"}, {"promptTemplate": "Hi {input}"})
    assert [(c.op, c.path) for c in found] == [
        (DiffOp.REMOVE, ("description",)),
        (DiffOp.ADD, ("promptTemplate",)),
    ]


def test_a_fence_is_longer_than_any_backticks_inside() -> None:
    lines = ["+```transcript", "+{input}", "+```"]
    block = fenced(lines)
    assert block[0] == "````diff" and block[-1] == "````"
