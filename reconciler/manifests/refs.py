"""``${VAR}`` references: the only way a secret may appear in a manifest.

References stay unresolved through loading and planning; they are resolved only when a
command needs the values (apply, invoke), and then every missing variable is named at once so
a CI run fails with the full list instead of one name per attempt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from reconciler.structs.errors import ConfigError
from reconciler.structs.identifiers import is_variable_name

REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", re.ASCII)


def is_ref(value: Any) -> bool:
    """True when ``value`` is exactly one ``${VAR}`` reference, nothing before or after (not
    even a newline) and the name a valid variable name."""
    if not isinstance(value, str) or not (value.startswith("${") and value.endswith("}")):
        return False
    return is_variable_name(value[2:-1])


def find_refs(value: Any) -> list[str]:
    """Names of the variables referenced anywhere in ``value``, in order of first use."""
    found: dict[str, None] = {}
    for text in _strings(value):
        for match in REF.finditer(text):
            found.setdefault(match.group(1), None)
    return list(found)


def resolve_refs(value: Any, environ: Mapping[str, str]) -> Any:
    """A deep copy of ``value`` with every reference replaced by its variable's value."""
    missing = [name for name in find_refs(value) if name not in environ]
    if missing:
        raise ConfigError(
            "environment variable(s) not set: " + ", ".join(missing),
            hint="export them (or add them as CI secrets) before running this command",
        )
    return _substitute(value, environ)


def _substitute(value: Any, environ: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return REF.sub(lambda m: environ[m.group(1)], value)
    if isinstance(value, Mapping):
        return {k: _substitute(v, environ) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_substitute(v, environ) for v in value]
    return value


def _strings(value: Any) -> list[str]:
    out: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Mapping):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
    return out
