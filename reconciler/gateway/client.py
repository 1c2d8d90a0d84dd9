"""Typed methods over the Gateway model API (CONTRACT section 6).

The methods add what only they know to the generic rules of ``retry``: an ambiguous create is
never blindly resent (the name is looked up first, so a lost response makes no duplicate); an
update whose retry meets 409 re-reads the model to see whether the first attempt landed; a delete
that finds nothing is done. Every body the server returns is checked before it is handed on.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any
from urllib.parse import quote

from reconciler.gateway import shapes
from reconciler.gateway.calls import Call, Caller
from reconciler.gateway.errors import Conflict, GatewayError, NotFound
from reconciler.gateway.retry import Clock, is_ambiguous
from reconciler.gateway.settings import ClientSettings, ClientStats

MODELS = "/api/v2/ai/models"
MAX_PAGE_SIZE = 100
_MAX_PAGES = 10_000


class GatewayClient:
    """A thread-safe client for one environment; use as a context manager or call ``close``."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.stats = ClientStats()
        clock = Clock(sleep=sleep, monotonic=monotonic, rng=rng or random.Random())
        self._caller = Caller(settings, clock=clock, stats=self.stats)

    def __repr__(self) -> str:
        return f"GatewayClient(api={self.settings.api_base_url!r})"

    def list_page(self, page_number: int, page_size: int = MAX_PAGE_SIZE) -> dict[str, Any]:
        """One page envelope of ``GET /api/v2/ai/models``, entities checked to be objects."""
        if not 1 <= page_size <= MAX_PAGE_SIZE or page_number < 1:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}, page_number >= 1")
        params = {"pageSize": page_size, "pageNumber": page_number}
        envelope = shapes.object_body(
            self._caller.call(Call("list", "GET", MODELS, params=params)), MODELS
        )
        entities = envelope.get("entities")
        if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
            raise shapes.malformed(f"GET {MODELS}", "an 'entities' list of objects")
        return envelope

    def list_models(self, *, page_size: int = MAX_PAGE_SIZE) -> Iterator[dict[str, Any]]:
        """Every model, page after page, until ``pageCount`` (or ``nextUri``) says we are done."""
        for number in range(1, _MAX_PAGES + 1):
            envelope = self.list_page(number, page_size)
            yield from envelope["entities"]
            if not shapes.has_next(envelope, number):
                return

    def get_model(self, model_id: str) -> dict[str, Any]:
        """The model with ``model_id``; ``NotFound`` when there is none."""
        path = _model_path(model_id)
        return shapes.object_body(self._caller.call(Call("get", "GET", path)), path)

    @property
    def last_correlation_id(self) -> str | None:
        """The platform's correlation id of this thread's last successful call."""
        return self._caller.last_correlation_id

    def find_model_by_name(self, name: str) -> dict[str, Any] | None:
        """The model named ``name``, or None (names are unique per organisation)."""
        return next((m for m in self.list_models() if m.get("name") == name), None)

    def create_model(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create a model (202 body); after an ambiguous failure, look it up before resending."""
        call = Call("create", "POST", MODELS, body=body, idempotent=False)
        attempts = self._caller.attempts(call.label)
        name = body.get("name")
        while True:
            try:
                return shapes.object_body(self._caller.call(call, attempts=attempts), MODELS)
            except Conflict:
                ambiguous = attempts.saw_ambiguous and isinstance(name, str)
                found = self.find_model_by_name(str(name)) if ambiguous else None
                if found is None or not _ours(found, body):
                    raise
                return found
            except GatewayError as e:
                if not (is_ambiguous(e) and isinstance(name, str)):
                    raise
                self._caller.pause_or_raise(e, attempts, idempotent=True)
                found = self.find_model_by_name(name)
                if found is not None and _ours(found, body):
                    return found

    def update_model(self, model_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """PUT the full body with ``version``; a 409 after an ambiguous retry re-reads the model."""
        path = _model_path(model_id)
        call = Call("update", "PUT", path, body=body)
        attempts = self._caller.attempts(call.label)
        try:
            return shapes.object_body(self._caller.call(call, attempts=attempts), path)
        except Conflict:
            if not attempts.saw_ambiguous:
                raise
            current = self.get_model(model_id)
            if not shapes.update_landed(body, current):
                raise
            return current

    def delete_model(self, model_id: str) -> None:
        """Delete a model; one that is already gone counts as deleted."""
        try:
            self._caller.call(Call("delete", "DELETE", _model_path(model_id)))
        except NotFound:
            return

    def invoke_model(
        self, model_id: str, *, input: str, options: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Invoke an ACTIVE model; never resent after an ambiguous failure (it costs money)."""
        path = _model_path(model_id) + "/invoke"
        body: dict[str, Any] = {"input": input}
        if options is not None:
            body["options"] = options
        return shapes.object_body(
            self._caller.call(Call("invoke", "POST", path, body=body, idempotent=False)), path
        )

    def close(self) -> None:
        """Release pooled connections."""
        self._caller.close()

    def __enter__(self) -> GatewayClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _model_path(model_id: str) -> str:
    if not isinstance(model_id, str) or not model_id:
        raise ValueError("model_id must be a non-empty string")
    return f"{MODELS}/{quote(model_id, safe='')}"


def _ours(found: dict[str, Any], body: dict[str, Any]) -> bool:
    """After a lost response, a model with our name is ours only if it carries every label we
    sent (for the reconciler: managed-by, environment and key fingerprint); anything else is
    someone else's model and must not be adopted."""
    sent = body.get("labels") or {}
    have = found.get("labels") or {}
    return isinstance(have, dict) and all(have.get(k) == v for k, v in sent.items())
