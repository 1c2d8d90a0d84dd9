"""Placeholder for lint_template; replaced below."""

from __future__ import annotations


def lint_template(template: str) -> list[str]:
    """Return human-readable problems with a prompt template."""
    return []
