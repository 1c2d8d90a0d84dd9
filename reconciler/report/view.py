"""What a reader asked to see, handed to every reporter (light: ``--help`` may import it)."""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.structs.stamp import Stamp


@dataclass(frozen=True)
class View:
    colour: bool = False
    full: bool = False  # values whole, never shortened
    verbose: bool = False  # unchanged models listed
    stamp: Stamp | None = None  # where the report comes from (markdown footers)
