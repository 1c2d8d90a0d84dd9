"""A model's record and its asynchronous lifecycle, evaluated lazily from the clock.

A write stores *when* the pending phase settles (``settle_at``) and *how* (the provider's verdict
on the key, decided at write time), never a timer. Every read computes the status from the
clock, so a restarted server or a ``ManualClock`` continues the lifecycle exactly. The API key
itself is never stored: only the verdict, which is all the emulated provider needs.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from reconciler.sandbox.errors import error_body

PENDING = ("PROVISIONING", "UPDATING")
_AZURE_KEY = re.compile(r"[0-9a-fA-F]{32}")
_KEY_RULES = {
    "openai": ("sk-", "an OpenAI API key starts with 'sk-'"),
    "anthropic": ("sk-ant-", "an Anthropic API key starts with 'sk-ant-'"),
    "bedrock": ("ABSK", "an Amazon Bedrock API key starts with 'ABSK'"),
}


def key_rejection(provider: str, api_key: str) -> str | None:
    """Why the provider would refuse ``api_key``, or None; the reason never quotes the key."""
    if provider == "azure":
        if _AZURE_KEY.fullmatch(api_key):
            return None
        return "The azure provider rejected the API key: an Azure OpenAI key is 32 hex digits."
    prefix, rule = _KEY_RULES[provider]
    if api_key.startswith(prefix):
        return None
    return f"The {provider} provider rejected the API key: {rule}."


def iso(epoch: float) -> str:
    """Platform date format: UTC, milliseconds, trailing Z."""
    stamp = datetime.fromtimestamp(epoch, tz=UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


@dataclass
class Record:
    """One model as the server keeps it (and persists it)."""

    id: str
    fields: dict[str, Any]
    version: int
    created: float
    modified: float
    phase: str
    settle_at: float
    rejection: str | None
    failure_context: str
    seq: int
    delay: float = field(default=0.0)

    @classmethod
    def settled(
        cls, *, id: str, fields: dict[str, Any], seq: int, at: float, failure_context: str = ""
    ) -> Record:
        """A model created at ``at`` and ACTIVE since: what a seeded organisation holds
        (benchmarks and tests write such records with ``save_state``)."""
        return cls(
            id=id,
            fields=fields,
            version=1,
            created=at,
            modified=at,
            phase="PROVISIONING",
            settle_at=at,
            rejection=None,
            failure_context=failure_context,
            seq=seq,
        )

    def status(self, now: float) -> str:
        if now < self.settle_at:
            return self.phase
        if self.phase == "DELETING":
            return "GONE"
        return "FAILED" if self.rejection else "ACTIVE"

    def render(self, now: float) -> dict[str, Any]:
        """The model as the API returns it: no API key, ever."""
        status = self.status(now)
        body: dict[str, Any] = {
            "id": self.id,
            **copy.deepcopy(self.fields),
            "status": status,
            "version": self.version,
            "dateCreated": iso(self.created),
            "dateModified": iso(self.modified),
            "selfUri": f"/api/v2/ai/models/{self.id}",
        }
        if status == "FAILED" and self.rejection:
            body["errorReason"] = self.rejection
            body["errors"] = [
                error_body(
                    status=400,
                    code="provider.credentials.rejected",
                    template=self.rejection,
                    params={},
                    context_id=self.failure_context,
                )
            ]
        return body

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "fields": self.fields,
            "version": self.version,
            "created": self.created,
            "modified": self.modified,
            "phase": self.phase,
            "settleAt": self.settle_at,
            "rejection": self.rejection,
            "failureContext": self.failure_context,
            "seq": self.seq,
            "delay": self.delay,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Record:
        return cls(
            id=data["id"],
            fields=data["fields"],
            version=int(data["version"]),
            created=float(data["created"]),
            modified=float(data["modified"]),
            phase=data["phase"],
            settle_at=float(data["settleAt"]),
            rejection=data.get("rejection"),
            failure_context=data["failureContext"],
            seq=int(data["seq"]),
            delay=float(data.get("delay", 0.0)),
        )
