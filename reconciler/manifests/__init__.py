"""Manifests: safe YAML loading, schema and rule checks, and ``${VAR}`` references.

Everything a user writes by hand enters the program here, so this package is defensive
(size, alias and depth limits, duplicate keys, literal secrets) and thorough (every problem
of every file, each with its file, line, rule and fix).
"""

from __future__ import annotations

from reconciler.manifests.loader import (
    list_environments,
    load_environment,
    require_known,
    validate_environments,
)
from reconciler.manifests.refs import find_refs, resolve_refs

__all__ = [
    "find_refs",
    "list_environments",
    "load_environment",
    "require_known",
    "resolve_refs",
    "validate_environments",
]
