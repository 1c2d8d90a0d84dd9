"""What a valid identifier is: the one home of names, label keys and values, variable names.

Every layer asks here: the JSON Schemas carry the same patterns (a test holds them equal), the
loader and the rules, the service before it builds a file name, and the git layer before it
writes a path or a branch. Patterns match the *whole* value, as JSON Schema (ECMA-262) means
them: Python's ``$`` also matches before a final newline, which let ``"nlname\\n"`` through as
a name, onto a branch, into a file name and onto the live Gateway. ``whole_pattern`` compiles a
schema pattern with that meaning, and no identifier may hold a control character anywhere.
"""

from __future__ import annotations

import re
from functools import lru_cache

from reconciler.structs.errors import ConfigError

# JSON numbers are doubles to most readers (the Gateway's among them): past 2^53 an integer
# silently becomes another one on the way.
MAX_INTEGER = 2**53

MODEL_NAME = r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$"
ENVIRONMENT_NAME = r"^[a-z0-9][a-z0-9-]{0,62}$"
LABEL_KEY = r"^([a-z0-9.-]{1,253}/)?[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$"
# C0, DEL and C1 controls, the line and paragraph separators some readers break lines at, and
# the bidirectional embeddings, overrides and isolates that make text read other than it is.
_CONTROLS = r"\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069"
LABEL_VALUE = rf"^[^{_CONTROLS}]*$"
# A provider's model id is free text to the provider, but one line of visible characters.
MODEL_ID = rf"^[^{_CONTROLS}]+$"
VARIABLE_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
_CONTROL = re.compile(f"[{_CONTROLS}]")


@lru_cache(maxsize=256)
def whole_pattern(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled with JSON Schema's meaning: ``$`` is the end of the value (never
    "before a final newline") and ``\\d``/``\\w`` are ASCII, as in ECMA-262."""
    out: list[str] = []
    escaped = in_class = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            out.append(r"\Z")
            continue
        out.append(char)
    return re.compile("".join(out), re.ASCII)


def matches(pattern: str, value: object) -> bool:
    """True when ``value`` is a string that ``pattern`` accepts as JSON Schema would."""
    return isinstance(value, str) and whole_pattern(pattern).search(value) is not None


def has_control(value: str) -> bool:
    return _CONTROL.search(value) is not None


def is_model_name(value: object) -> bool:
    return matches(MODEL_NAME, value)


def is_environment_name(value: object) -> bool:
    return matches(ENVIRONMENT_NAME, value)


def is_label_key(value: object) -> bool:
    return matches(LABEL_KEY, value)


def is_variable_name(value: object) -> bool:
    return matches(VARIABLE_NAME, value)


def require_model_name(value: object) -> str:
    """``value`` itself, or a ConfigError: for code that builds a file or branch name from it
    and must not trust that a caller validated it."""
    if not is_model_name(value):
        raise ConfigError(
            f"{_shown(value)} is not a valid model name",
            hint="a model name is 3-64 lowercase letters, digits and '-', e.g. support-classifier",
        )
    return str(value)


def require_environment_name(value: object) -> str:
    if not is_environment_name(value):
        raise ConfigError(
            f"{_shown(value)} is not a valid environment name",
            hint="an environment name is 1-63 lowercase letters, digits and '-', e.g. staging",
        )
    return str(value)


def _shown(value: object) -> str:
    """The value as an escaped literal, so a newline or escape sequence shows as such."""
    return ascii(value)[:80]
