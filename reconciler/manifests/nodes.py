"""Build plain values from a composed YAML node graph, with lines, under hard limits.

Composed graphs share aliased nodes, so they stay small even for a "billion laughs" file; the
expansion happens here, one counted node at a time, and stops at ``MAX_NODES``. Duplicate
keys, merge keys and non-standard tags are refused here because only here are they visible.
So are values JSON cannot carry (timestamps, binary, sets, NaN, infinities): a manifest is
sent to the API and written to plans and snapshots as JSON, and such a value would otherwise
pass validation and fail later, far from its line.
"""

from __future__ import annotations

import math
import sys
from typing import Any

import yaml

from reconciler.manifests.document import Path, dotted
from reconciler.manifests.quoting import quoted
from reconciler.manifests.reading import FileRejected, reject
from reconciler.structs.identifiers import MAX_INTEGER

MAX_NODES = 20_000
MAX_DEPTH = 40
_STD_MAP = "tag:yaml.org,2002:map"
_STD_SEQ = "tag:yaml.org,2002:seq"
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
# More characters than any integer within MAX_INTEGER can be written with (53 binary digits,
# a sign, a prefix and separators): refused before ``int()``, which past 4,300 digits raises
# instead of answering, and which is quadratic in the length below that.
_MAX_INT_CHARS = 80
# Keys, short values and paths repeat across the files of a repository; each parse would
# otherwise hold its own copies (a fifth of a 5,000-model load's memory). Shared here, up
# to a bound, so a hostile file cannot grow the table without limit.
_SHORT = 40
_MAX_SHARED_PATHS = 16_384
_shared_paths: dict[Path, Path] = {}
_NOT_JSON = {
    "tag:yaml.org,2002:timestamp": ("a timestamp", 'quote it, e.g. "2001-12-14"'),
    "tag:yaml.org,2002:binary": ("binary data", "write the value as plain text"),
    "tag:yaml.org,2002:set": ("a set", "use a list [a, b] or a mapping {a: b}"),
    "tag:yaml.org,2002:omap": ("an ordered map", "use a plain mapping"),
    "tag:yaml.org,2002:pairs": ("a list of pairs", "use a plain mapping"),
}


def _share(path: Path) -> Path:
    """The one copy of ``path`` every document holds (while the table has room)."""
    shared = _shared_paths.get(path)
    if shared is not None:
        return shared
    if len(_shared_paths) < _MAX_SHARED_PATHS:
        _shared_paths[path] = path
    return path


def too_deep(source: str, line: int) -> FileRejected:
    return reject(
        source,
        line,
        rule="yaml-too-deep",
        message=f"the document nests deeper than {MAX_DEPTH} levels",
        fix="flatten the structure; manifests need only a few levels",
    )


class NodeBuilder:
    """Turns composed nodes into plain values, recording lines and counting the work."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: dict[Path, int] = {}
        self.blocks: dict[Path, int] = {}
        self.count = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, path: Path, *, depth: int) -> Any:
        self.count += 1
        line = node.start_mark.line + 1
        if self.count > MAX_NODES:
            raise reject(
                self.source,
                line,
                rule="yaml-alias-limit",
                message=f"the document expands to more than {MAX_NODES} values "
                "(aliases are expanded, so a few lines can mean billions)",
                fix="write the values out instead of nesting aliases",
            )
        if depth > MAX_DEPTH:
            raise too_deep(self.source, line)
        self.lines.setdefault(path, line)
        if node.tag in _NOT_JSON:
            what, fix = _NOT_JSON[node.tag]
            raise self._not_json(line, what, fix)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth=depth)
        if isinstance(node, yaml.SequenceNode):
            self._check_tag(node, _STD_SEQ)
            return [
                self.build(item, (*path, i), depth=depth + 1) for i, item in enumerate(node.value)
            ]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: Path, *, depth: int) -> dict[str, Any]:
        self._check_tag(node, _STD_MAP)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            # A plain string key, the commonest by far, needs none of ``_key``'s checks.
            if type(key_node) is yaml.ScalarNode and key_node.tag == _STR:
                key = sys.intern(str(key_node.value))
            else:
                key = sys.intern(self._key(key_node))
            if key in out:
                first = self.lines.get((*path, key))
                raise reject(
                    self.source,
                    key_node.start_mark.line + 1,
                    rule="yaml-duplicate-key",
                    message=f"key {quoted(key)} appears twice (first on line {first})",
                    fix="remove one of them; YAML would silently keep only the last",
                )
            child = _share((*path, key))
            self.lines[child] = key_node.start_mark.line + 1
            if type(value_node) is yaml.ScalarNode and value_node.tag == _STR:
                out[key] = self._string(value_node, child, depth=depth + 1)
            else:
                out[key] = self.build(value_node, child, depth=depth + 1)
        return out

    def _string(self, node: yaml.ScalarNode, path: Path, *, depth: int) -> str:
        """``build`` for a plain string value of a mapping, the commonest node, with only the
        checks a string needs (its key's line is already recorded)."""
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            self.count -= 1
            return str(self.build(node, path, depth=depth))  # raises the right problem
        if node.style == "|":
            self.blocks[path] = node.start_mark.line + 2
        value = str(node.value)
        return sys.intern(value) if len(value) <= _SHORT else value

    def _key(self, node: yaml.Node) -> str:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.ScalarNode):
            raise reject(
                self.source,
                line,
                rule="yaml-syntax",
                message="a mapping key must be a plain string",
                fix="use simple 'key: value' entries",
            )
        if node.tag == "tag:yaml.org,2002:merge":
            raise reject(
                self.source,
                line,
                rule="yaml-merge-key",
                message="merge keys ('<<') are not supported",
                fix="write the fields out; each manifest should stand on its own",
            )
        return str(node.value)

    def _scalar(self, node: yaml.Node, path: Path) -> Any:
        if isinstance(node, yaml.ScalarNode) and node.style == "|":
            self.blocks[path] = node.start_mark.line + 2
        if node.tag == _STR:
            return node.value  # most scalars: nothing to construct, nothing to check
        if node.tag == _INT and len(str(node.value)) > _MAX_INT_CHARS:
            raise self._out_of_range(node, path)
        try:
            value = self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise reject(
                self.source,
                node.start_mark.line + 1,
                rule="yaml-tag",
                message=f"unsupported YAML tag '{node.tag}'",
                fix="remove the '!' tag; manifests use plain values",
            ) from exc
        if isinstance(value, float) and not math.isfinite(value):
            what = "NaN (not a number)" if math.isnan(value) else "an infinity"
            raise self._not_json(node.start_mark.line + 1, what, "write a finite number")
        # A float past 2^53 is a whole number (JSON Schema's "integer" accepts 1.7e+308), so
        # the bound holds for every number, however it is written.
        if (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and abs(value) > MAX_INTEGER
        ):
            raise self._out_of_range(node, path)
        return value

    def _out_of_range(self, node: yaml.Node, path: Path) -> FileRejected:
        """JSON readers (the Gateway's among them) hold numbers as doubles: past 2^53 an
        integer silently changes value on the way, so it is refused with its place."""
        return reject(
            self.source,
            node.start_mark.line + 1,
            rule="integer-range",
            message=f"{dotted(path)}: the number is larger than 2^53 in magnitude",
            fix=f"write a number between -{MAX_INTEGER} and {MAX_INTEGER}",
        )

    def _not_json(self, line: int, what: str, fix: str) -> FileRejected:
        return reject(
            self.source,
            line,
            rule="yaml-not-json",
            message=f"the value is {what}, which JSON (and so the Gateway API) cannot carry",
            fix=fix,
        )

    def _check_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            raise reject(
                self.source,
                node.start_mark.line + 1,
                rule="yaml-tag",
                message=f"unsupported YAML tag '{node.tag}'",
                fix="remove the '!' tag; manifests use plain values",
            )
