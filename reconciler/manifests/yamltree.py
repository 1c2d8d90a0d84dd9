"""Safe YAML parsing that keeps the line of every node and bounds the work it does.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys, expands aliases without
limit (a "billion laughs" file of a few hundred bytes becomes gigabytes) and forgets where
each value came from. So this module only *composes* the node graph, which shares aliased
nodes instead of copying them, and builds the values itself: it counts every node it
produces, aliases included, and stops at ``MAX_NODES`` and ``MAX_DEPTH``, so a hostile file
fails in milliseconds with bounded memory. Without libyaml, a first pass over the parser's
events (which is not recursive) rejects deep nesting before the recursive pure-Python
composer could overflow the stack.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from reconciler.manifests.document import Document
from reconciler.manifests.nodes import MAX_DEPTH, NodeBuilder, too_deep
from reconciler.manifests.reading import FileRejected, reject

_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.resolver.Resolver()


class _Loader(_BASE):  # type: ignore[misc]
    """The safe loader, remembering which tag a scalar resolves to: the Python resolver tries
    its regexes on every scalar, manifests repeat the same keys and values, and the composer
    calls this once per node. With no path resolvers (the safe loader has none) the tag is a
    function of the arguments alone, so a C-level cache answers without a Python frame."""

    resolve = staticmethod(lru_cache(maxsize=4_096)(_RESOLVER.resolve))


_LOADER: Any = _Loader
# libyaml composes in C and stops at 1,000 levels itself ("exceeded maximum nesting depth"),
# and the builder refuses more than MAX_DEPTH before recursing further, so the event pass that
# keeps the pure-Python composer off the recursion limit is needed only without it.
_NATIVE = _BASE is not yaml.SafeLoader


def parse_yaml(text: str, *, source: str) -> Document:
    """Parse one YAML document into a ``Document`` or raise ``FileRejected``."""
    try:
        if not _NATIVE:
            _check_depth(text, source=source)
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, source=source) from exc
    except yaml.YAMLError as exc:
        raise reject(
            source,
            None,
            rule="yaml-syntax",
            message=f"invalid YAML: {exc}",
            fix="check the file's syntax",
        ) from exc
    if root is None:
        raise reject(
            source,
            1,
            rule="yaml-empty",
            message="the file is empty",
            fix="write a manifest or delete the file",
        )
    builder = NodeBuilder(source)
    data = builder.build(root, (), depth=0)
    return Document(source=source, data=data, lines=builder.lines, block_starts=builder.blocks)


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, *, source: str) -> FileRejected:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    found = " ".join(part for part in (exc.context, exc.problem) if part)
    if "nesting depth" in found:  # libyaml's own limit, hit while it scans ahead
        return too_deep(source, line or 1)
    fix = "check indentation and quoting around this line"
    near = text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else ""
    if "another document" in found:
        fix = "keep one manifest per file (remove the '---' line and what follows)"
    elif "${" in near and "{" in near.replace("${", ""):
        # ``{apiKey: ${KEY}}`` is not YAML: inside braces a reference must be quoted.
        fix = 'quote ${VAR} references inside {...}, e.g. {apiKey: "${OPENAI_API_KEY}"}'
    return reject(source, line, rule="yaml-syntax", message=f"invalid YAML: {found}", fix=fix)


def _check_depth(text: str, *, source: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise too_deep(source, event.start_mark.line + 1 if event.start_mark else 1)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
