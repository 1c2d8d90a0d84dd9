"""Progress events: the engine reports state changes, the CLI decides how to show them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reconciler.structs.outcome import State


@dataclass(frozen=True)
class Event:
    """One model changed state (an API status, or a step such as "creating")."""

    name: str
    state: State
    detail: str = ""


EventSink = Callable[[Event], None]


def ignore(_event: Event) -> None:
    """The default sink: no output."""
