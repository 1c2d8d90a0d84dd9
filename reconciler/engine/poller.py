"""Poll asynchronous provisioning cheaply.

With a few models pending, one GET each; with many, paged list calls instead (a hundred models
a call), so polling 200 pending models costs 2 requests a round, not 200. The interval grows
with jitter while nothing changes and snaps back when something does.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.gateway import GatewayClient
from reconciler.gateway.errors import NotFound


@dataclass(frozen=True)
class PollSettings:
    initial: float = 1.0
    maximum: float = 10.0
    factor: float = 1.5
    list_threshold: int = 3


class Poller:
    """Reads the current state of pending models and proposes the next wait."""

    def __init__(
        self, client: GatewayClient, *, settings: PollSettings, rng: random.Random | None = None
    ) -> None:
        self._client = client
        self._settings = settings
        self._rng = rng or random.Random()
        self._quiet_rounds = 0

    def poll(self, model_ids: Iterable[str]) -> dict[str, Mapping[str, Any] | None]:
        """Current model per id; ``None`` when the id no longer exists."""
        ids = list(model_ids)
        if len(ids) > self._settings.list_threshold:
            live = {str(m.get("id")): m for m in self._client.list_models()}
            return {i: live.get(i) for i in ids}
        out: dict[str, Mapping[str, Any] | None] = {}
        for model_id in ids:
            try:
                out[model_id] = self._client.get_model(model_id)
            except NotFound:
                out[model_id] = None
        return out

    def next_interval(self, *, progressed: bool) -> float:
        """Backoff with jitter in [base/2, base]; progress resets the base to the initial."""
        self._quiet_rounds = 0 if progressed else self._quiet_rounds + 1
        s = self._settings
        base = min(s.maximum, s.initial * s.factor**self._quiet_rounds)
        return base / 2 + self._rng.uniform(0, base / 2)
