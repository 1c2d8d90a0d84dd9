"""The platform's refusals of a write: stale versions, provider changes, duplicate names.

Checked under the store's lock, so two clients racing on one version or one name always give
exactly one winner.
"""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.sandbox.bodies import ModelWrite
from reconciler.sandbox.errors import bad_request, conflict
from reconciler.sandbox.lifecycle import Record


def check_update(record: Record, write: ModelWrite, *, now: float) -> None:
    """409 while deleting or on a stale version; 400 on a provider change (needs a replace)."""
    if record.status(now) == "DELETING":
        raise conflict("Model [{id}] is being deleted and cannot be updated.", id=record.id)
    if write.version != record.version:
        raise conflict(
            "Version [{sent}] of model [{id}] is stale; the current version is [{current}]. "
            "Read the model again and retry.",
            sent=str(write.version),
            id=record.id,
            current=str(record.version),
        )
    if write.fields["provider"] != record.fields["provider"]:
        raise bad_request(
            "The provider of model [{id}] cannot change from [{old}] to [{new}]; delete the "
            "model and create it again (a replace).",
            id=record.id,
            old=record.fields["provider"],
            new=write.fields["provider"],
        )


def check_name(records: Iterable[Record], name: str, *, exclude: str | None) -> None:
    """409 if another model (even one being deleted) holds ``name``."""
    for record in records:
        if record.fields["name"] == name and record.id != exclude:
            raise conflict(
                "A model named [{name}] already exists (id [{id}]); names are unique.",
                name=name,
                id=record.id,
            )
