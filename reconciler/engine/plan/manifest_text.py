"""Write ModelEndpoint manifests the way a person would, so diffs show changes, not formatting.

Import and promote both produce manifests, and promote prints the textual diff against the
file it replaces, so the output imitates how the shipped manifests are written by hand: the
schema modeline on the first line, a fixed key order, multi-line strings (prompts) as literal
``|`` blocks, small collections of simple values on one line in flow style
(``configuration: {temperature: 0.1, maxTokens: 300}``, ``required: [a, b]``), prose inside
them double-quoted, and no line wrapping. The YAML node tree is built here rather than left to
``yaml.safe_dump``, which has one flow setting for the whole document. When a file is replaced,
its leading comments and the end-of-line comments of lines that stay the same are kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from reconciler.structs.redaction import redact_value

MODELINE = "# yaml-language-server: $schema=../../../schemas/model-endpoint.schema.json"
_FLOW_MAX_LINE = 100
_FLOW_SAFE = re.compile(r"\A[A-Za-z0-9 ._/+-]+\Z")
_MAP, _SEQ, _STR = (f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "str"))
_SCALARS = yaml.representer.SafeRepresenter()
_LINE_COMMENT = re.compile(r"^(?P<body>[^#'\"]*[^\s#'\"])(?P<comment>\s+#.*)$")


def manifest_document(
    name: str, labels: Mapping[str, str], spec: Mapping[str, Any]
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name}
    if labels:
        metadata["labels"] = dict(labels)
    return {
        "apiVersion": "reconciler/v1",
        "kind": "ModelEndpoint",
        "metadata": metadata,
        "spec": dict(spec),
    }


def header_of(text: str) -> str | None:
    """The comment lines an existing file starts with (its modeline, notes), if any."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines) or None


def schema_modeline(root: Path) -> str | None:
    """The schema modeline, if ``root`` has the ``schemas/`` it points at (``reconcile init``
    writes them); a modeline to a missing file only makes editors report an error."""
    return MODELINE if (root / "schemas" / "model-endpoint.schema.json").is_file() else None


def render_manifest(
    document: Mapping[str, Any], *, previous: str | None = None, modeline: str | None = MODELINE
) -> str:
    """The file text for ``document``, keeping the comments of the ``previous`` text if any.
    Secrets are blanked in the document, not in the text: there the mask would be written
    unquoted, and ``[redacted]`` as a key or a whole value reads back as a list."""
    body = yaml.serialize(
        _node(redact_value(dict(document)), indent=0, level=0),
        Dumper=_Dumper,
        allow_unicode=True,
        width=1 << 16,
    )
    header = header_of(previous or "") or modeline
    text = _keep_line_comments(body, previous or "")
    return f"{header}\n{text}" if header else text


def _keep_line_comments(text: str, previous: str) -> str:
    """Re-attach ``previous``'s end-of-line comments to lines that are unchanged in ``text``."""
    comments: dict[str, str] = {}
    for line in previous.splitlines():
        found = _LINE_COMMENT.match(line)
        if found:
            comments.setdefault(found["body"], found["comment"])
    # split("\n"), not splitlines(): a literal block may hold U+2028 and the like verbatim
    return "\n".join(line + comments.get(line, "") for line in text.split("\n"))


class _Dumper(yaml.SafeDumper):
    def choose_scalar_style(self) -> str:
        # Double quotes read like JSON and escape anything; single quotes surprise people.
        style = str(super().choose_scalar_style())
        return '"' if style == "'" else style


def _node(
    value: Any, *, indent: int, level: int, key: str = "", in_flow: bool = False
) -> yaml.Node:
    flow = in_flow or (level >= 2 and _flows(value, indent=indent, key=key))
    if isinstance(value, Mapping):
        pairs = [
            (
                _scalar(str(k), flow=False),
                _node(v, indent=indent + 2, level=level + 1, key=str(k), in_flow=flow),
            )
            for k, v in value.items()
        ]
        return yaml.MappingNode(_MAP, pairs, flow_style=flow)
    if isinstance(value, list):
        items = [_node(v, indent=indent + 2, level=level + 1, key="-", in_flow=flow) for v in value]
        return yaml.SequenceNode(_SEQ, items, flow_style=flow)
    return _scalar(value, flow=in_flow)


def _scalar(value: Any, *, flow: bool) -> yaml.Node:
    if isinstance(value, str):
        style = "|" if "\n" in value else ('"' if flow and " " in value else None)
        return yaml.ScalarNode(_STR, value, style=style)
    return _SCALARS.represent_data(value)


def _flows(value: Any, *, indent: int, key: str) -> bool:
    """One line when the value is small, at most two levels deep, and needs no quoting."""
    if not isinstance(value, (Mapping, list)) or not value or not _flat(value, depth=2):
        return False
    return indent + len(key) + 2 + _flow_length(value) <= _FLOW_MAX_LINE


def _flat(value: Any, *, depth: int) -> bool:
    if isinstance(value, Mapping):
        children = list(value.values())
    elif isinstance(value, list):
        children = value
    elif isinstance(value, str):
        return bool(_FLOW_SAFE.match(value))
    else:
        return True
    return depth > 0 and bool(children) and all(_flat(c, depth=depth - 1) for c in children)


def _flow_length(value: Any) -> int:
    if isinstance(value, Mapping):
        return 2 + sum(len(str(k)) + 2 + _flow_length(v) + 2 for k, v in value.items()) - 2
    if isinstance(value, list):
        return 2 + sum(_flow_length(v) + 2 for v in value) - 2
    text = str(value)
    return len(text) + (2 if " " in text else 0)
