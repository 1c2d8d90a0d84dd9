"""Poll asynchronous provisioning at a cost proportional to what is pending, not to the org.

The API has no filter on its list call, so listing to learn about 50 new models in an org of
3,000 reads 31 pages each round. Instead each pending model is read by id, on its own
schedule: backoff from the moment it was accepted, never before the shortest provisioning
time seen so far in this run (models of one org provision alike, so the first one to finish
tells when the others become worth asking about), and until one has finished only the oldest
few are asked at all. Paged list calls are used only when more than a page of models is due
and the org's pages are fewer than the models due (a big apply into a small org).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from reconciler.gateway import GatewayClient
from reconciler.gateway.client import MAX_PAGE_SIZE
from reconciler.gateway.errors import NotFound

T = TypeVar("T")


@dataclass(frozen=True)
class PollSettings:
    initial: float = 1.0
    maximum: float = 10.0
    factor: float = 1.5
    # Once a model is older, it is read again after this fraction of its age.
    growth: float = 0.25
    # Until a first model has finished, only this many of the oldest are read each round.
    scouts: int = 3
    # Models are first read at this fraction of the shortest provisioning time seen.
    floor: float = 0.8


@dataclass
class _Schedule:
    started: float
    due: float
    interval: float


class Poller:
    """Reads the current state of the pending models that are due, and proposes the next wait."""

    def __init__(
        self, client: GatewayClient, *, settings: PollSettings, rng: random.Random | None = None
    ) -> None:
        self._client = client
        self._settings = settings
        self._rng = rng or random.Random()
        self._quiet_rounds = 0
        self._schedules: dict[str, _Schedule] = {}
        self._shortest: float | None = None  # the shortest time to a final state seen
        self._org_pages: int | None = None  # learned from the last list call
        self._last_now = 0.0

    def poll(
        self, pending: Mapping[str, float], *, now: float
    ) -> dict[str, Mapping[str, Any] | None]:
        """Current model per due id (``None`` when it no longer exists); ``pending`` maps each
        id to when its write was accepted. Ids not due this round are left out."""
        for model_id in set(self._schedules) - set(pending):
            del self._schedules[model_id]
        self._last_now = now
        due = self.due(pending, now=now)
        if not due:
            return {}
        found = self._read(due)
        for model_id in due:
            self._after_read(model_id, now=now)
        return found

    def finished(self, model_id: str, *, now: float) -> None:
        """A model reached a final state: its age teaches when the others are worth reading."""
        schedule = self._schedules.pop(model_id, None)
        if schedule is not None:
            age = now - schedule.started
            self._shortest = age if self._shortest is None else min(self._shortest, age)

    def due(self, pending: Mapping[str, float], *, now: float) -> list[str]:
        """The ids worth reading now, oldest first."""
        for model_id, started in pending.items():
            if model_id not in self._schedules:
                first = self._settings.initial
                self._schedules[model_id] = _Schedule(started, started + first, first)
        oldest = self._candidates(sorted(pending, key=lambda i: self._schedules[i].started))
        earliest = self._settings.floor * (self._shortest or 0.0)
        return [
            i
            for i in oldest
            if now >= self._schedules[i].due and now - self._schedules[i].started >= earliest
        ]

    def _candidates(self, oldest: list[T]) -> list[T]:
        return oldest if self._shortest is not None else oldest[: self._settings.scouts]

    def _read(self, ids: list[str]) -> dict[str, Mapping[str, Any] | None]:
        if len(ids) > MAX_PAGE_SIZE and (self._org_pages is None or self._org_pages < len(ids)):
            return self._listed(ids)
        out: dict[str, Mapping[str, Any] | None] = {}
        for model_id in ids:
            try:
                out[model_id] = self._client.get_model(model_id)
            except NotFound:
                out[model_id] = None
        return out

    def _listed(self, ids: list[str]) -> dict[str, Mapping[str, Any] | None]:
        live: dict[str, Mapping[str, Any]] = {}
        for model in self._client.list_models():
            live[str(model.get("id"))] = model
        self._org_pages = max(1, math.ceil(len(live) / MAX_PAGE_SIZE))
        return {i: live.get(i) for i in ids}

    def _after_read(self, model_id: str, *, now: float) -> None:
        schedule = self._schedules.get(model_id)
        if schedule is None:
            return
        s = self._settings
        # The wait grows with the model's age: a quarter of it, within [initial, maximum].
        age = now - schedule.started
        interval = min(s.maximum, max(s.initial, schedule.interval, age * s.growth))
        schedule.due = now + interval * self._rng.uniform(0.75, 1.0)
        schedule.interval = min(s.maximum, interval * s.factor)

    def next_interval(self, *, progressed: bool) -> float:
        """How long until the next model is due (at least a tenth of the initial interval, at
        most the maximum); ``progressed`` is accepted for callers that report it."""
        del progressed
        s = self._settings
        candidates = self._candidates(sorted(self._schedules.values(), key=lambda x: x.started))
        if not candidates:
            return s.initial
        earliest = s.floor * (self._shortest or 0.0)
        wake = min(max(c.due, c.started + earliest) for c in candidates)
        return min(s.maximum, max(s.initial / 10, wake - self._last_now))
