"""The one table of a model endpoint's fields, and what every part of the reconciler does with each.

Before this table, the list of fields lived in seven places (schema, OpenAPI, normalisation,
import, promote, the sandbox), and a field added to some but not all of them was silently
dropped by import and proposed for removal by the next plan. Now normalisation, the API body,
import, promote and the sandbox's accepted fields derive from ``FIELDS``; a test proves the
JSON Schema and the OpenAPI ``ModelWrite`` agree with it. Adding a field is one row here (plus
its schema entries, which that test demands).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property


class Side(StrEnum):
    """Where a field lives: sent to the Gateway, or kept on the reconciler's side only."""

    API = "api"
    RECONCILER = "reconciler"


class Compare(StrEnum):
    """How a plan compares a field with what is live."""

    VALUE = "value"
    FINGERPRINT = "fingerprint"  # secret parts by the fingerprint label, the rest by value
    NEVER = "never"  # reconciler-side: the Gateway does not hold it


class Promote(StrEnum):
    """What ``promote`` does with a field of a model that already exists in the target."""

    COPY = "copy"  # the model itself: it moves from source to target
    TARGET = "target"  # the target's own (keys, traffic, agreements): kept


class Restore(StrEnum):
    """Where ``import`` takes a field from."""

    LIVE = "live"  # the Gateway returns it
    SNAPSHOT = "snapshot"  # the Gateway does not know it; the last snapshot remembers it
    MANIFEST = "manifest"  # only the manifest knows it: ``--force`` keeps it


class Show(StrEnum):
    """How a change to the field is shown in a plan."""

    INLINE = "inline"  # short values, old → new on one line
    TEXT = "text"  # long strings: a unified line diff
    YAML = "yaml"  # structures: rendered as YAML, then a unified line diff


@dataclass(frozen=True)
class Field:
    """One field of a model endpoint. ``name`` is its key in the manifest ``spec`` and in the
    API body (``name`` and ``labels`` live under ``metadata`` in the manifest)."""

    name: str
    side: Side
    compare: Compare
    promote: Promote
    restore: Restore
    show: Show
    required: bool = False  # always in the API body (empty optional fields are left out)
    metadata: bool = False
    secrets: tuple[str, ...] = ()  # keys never sent back by the API, never shown

    @property
    def sent(self) -> bool:
        return self.side is Side.API


_API, _OURS = Side.API, Side.RECONCILER
FIELDS: tuple[Field, ...] = (
    Field("name", _API, Compare.VALUE, Promote.COPY, Restore.LIVE, Show.INLINE, True, True),
    Field("description", _API, Compare.VALUE, Promote.COPY, Restore.LIVE, Show.TEXT),
    Field("provider", _API, Compare.VALUE, Promote.COPY, Restore.LIVE, Show.INLINE, True),
    Field("modelId", _API, Compare.VALUE, Promote.COPY, Restore.LIVE, Show.INLINE, True),
    Field(
        "credentials",
        _API,
        Compare.FINGERPRINT,
        Promote.TARGET,
        Restore.LIVE,
        Show.INLINE,
        True,
        secrets=("apiKey",),
    ),
    Field("configuration", _API, Compare.VALUE, Promote.COPY, Restore.LIVE, Show.INLINE),
    Field("promptTemplate", _API, Compare.VALUE, Promote.COPY, Restore.LIVE, Show.TEXT),
    Field("responseSchema", _API, Compare.VALUE, Promote.COPY, Restore.LIVE, Show.YAML),
    Field("labels", _API, Compare.VALUE, Promote.TARGET, Restore.LIVE, Show.INLINE, True, True),
    Field("usage", _OURS, Compare.NEVER, Promote.TARGET, Restore.SNAPSHOT, Show.INLINE),
    Field("healthCheck", _OURS, Compare.NEVER, Promote.COPY, Restore.MANIFEST, Show.INLINE),
    Field("pricing", _OURS, Compare.NEVER, Promote.TARGET, Restore.MANIFEST, Show.INLINE),
    Field("guard", _OURS, Compare.NEVER, Promote.TARGET, Restore.MANIFEST, Show.INLINE),
)


@dataclass(frozen=True)
class FieldTable:
    """Views of a field table; a test builds its own table to add a field in a fixture."""

    fields: tuple[Field, ...]

    def get(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    # Cached: a plan of 1,000 models asks for these views about 4,000 times.
    @cached_property
    def sent(self) -> tuple[Field, ...]:
        """The fields of the API body, in the order the body is written."""
        return tuple(f for f in self.fields if f.sent)

    @cached_property
    def spec(self) -> tuple[Field, ...]:
        """The fields under ``spec`` in a manifest."""
        return tuple(f for f in self.fields if not f.metadata)

    def restored_from(self, source: Restore) -> tuple[str, ...]:
        return tuple(f.name for f in self.spec if f.restore is source)

    def promoted(self, how: Promote) -> tuple[str, ...]:
        return tuple(f.name for f in self.spec if f.promote is how)

    def shown(self, name: str) -> Show:
        found = self.get(name)
        return found.show if found is not None else Show.INLINE


MODEL_FIELDS = FieldTable(FIELDS)


def model_fields() -> FieldTable:
    """The table in force; read at call time so a test can extend it with ``monkeypatch``."""
    return MODEL_FIELDS
