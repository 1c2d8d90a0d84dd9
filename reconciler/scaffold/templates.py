"""Read a shipped template and fill in its ``__NAME__`` placeholders.

Placeholders are ``__NAME__`` rather than ``$name`` or ``{name}`` because the templates are
GitHub workflows and YAML manifests full of ``${{ }}`` and ``${VAR}``, which must stay as
written. An unfilled placeholder is a bug in this package, so it raises.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources

_PLACEHOLDER = re.compile(r"__[A-Z]+__")


def template(name: str) -> str:
    """The text of ``templates/<name>``."""
    return resources.files("reconciler.scaffold").joinpath("templates", name).read_text("utf-8")


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with every ``__KEY__`` replaced by ``values[KEY]``."""
    for key, value in values.items():
        text = text.replace(f"__{key}__", value)
    left = sorted(set(_PLACEHOLDER.findall(text)))
    if left:
        raise ValueError(f"unfilled template placeholders: {', '.join(left)}")
    return text


def upper_name(env: str) -> str:
    """How an environment's name appears in variable names: ``eu-prod`` -> ``EU_PROD``."""
    return env.upper().replace("-", "_")
