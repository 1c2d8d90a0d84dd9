"""Canonical JSON and the hashes built on it, shared by the audit chain and the snapshot.

A hash is only verifiable if everyone serialises the same value to the same bytes, so there is
exactly one serialisation: ``json.dumps(sort_keys=True, separators=(",", ":"),
ensure_ascii=False)`` encoded as UTF-8. Audit lines are written in this form too, which lets
``verify`` reject a line whose bytes were edited even when its parsed value is unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Mapping
from typing import Any

GENESIS = "0" * 64

FIELDS = (
    "auditId",
    "timestamp",
    "environment",
    "action",
    "model",
    "modelId",
    "payloadHash",
    "actor",
    "gitCommit",
    "correlationId",
    "apiVersion",
    "result",
    "prevHash",
    "hash",
)

# Present only when the log is written with RECONCILE_AUDIT_KEY set (see ``entry_mac``).
OPTIONAL_FIELDS = ("mac",)
AUDIT_KEY_VARIABLE = "RECONCILE_AUDIT_KEY"

ACTIONS = frozenset(
    {
        "MODEL_CREATED",
        "MODEL_UPDATED",
        "MODEL_REPLACED",
        "MODEL_DELETED",
        "PROVISION_FAILED",
        "PROVISION_TIMEOUT",
        "DRIFT_DETECTED",
        "CONFIG_SYNC",
        "MODEL_RECOVERED",
        "LOCK_BROKEN",
    }
)

SECRET_KEYS = frozenset({"apiKey", "clientSecret"})


def canonical(value: Any) -> str:
    """The one serialisation every hash in the state files is computed over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_hash(entry: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of the entry without its own ``hash`` field.

    ``prevHash`` is inside the hashed content, which is what chains each entry to the one
    before it: changing, removing or moving any entry breaks the link after it.
    """
    return sha256_hex(canonical({k: v for k, v in entry.items() if k != "hash"}))


def audit_key(environ: Mapping[str, str] | None = None) -> bytes | None:
    """The HMAC key of the audit log, from RECONCILE_AUDIT_KEY; None when unset."""
    value = (os.environ if environ is None else environ).get(AUDIT_KEY_VARIABLE, "")
    return value.encode("utf-8") if value else None


def entry_mac(entry: Mapping[str, Any], key: bytes) -> str:
    """HMAC-SHA256 over the entry's own content, links and ``mac`` left out.

    The chain shows an entry was not changed after the next one was written; the MAC shows
    it was written by someone holding the key, so an entry forged and chained correctly at the
    end of the log still fails. Leaving ``prevHash`` out keeps the MAC valid when a push's
    rebase re-chains entries on top of another reconciler's (``rechain``), which needs no key.
    """
    content = {k: v for k, v in entry.items() if k not in ("prevHash", "hash", "mac")}
    return hmac.new(key, canonical(content).encode("utf-8"), hashlib.sha256).hexdigest()


def rechain(entries: Iterable[Mapping[str, Any]], prev_hash: str) -> list[dict[str, Any]]:
    """The same events chained on top of ``prev_hash``; only prevHash and hash change."""
    out: list[dict[str, Any]] = []
    for entry in entries:
        linked = {**entry, "prevHash": prev_hash}
        linked["hash"] = entry_hash(linked)
        out.append(linked)
        prev_hash = linked["hash"]
    return out


def find_secret(value: Any, path: str = "") -> str | None:
    """The dotted path of the first non-empty secret-named field, or None.

    Defence in depth: callers redact before writing, this refuses anything they missed.
    """
    if isinstance(value, Mapping):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if key in SECRET_KEYS and item not in (None, ""):
                return where
            found = find_secret(item, where)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = find_secret(item, f"{path}[{index}]")
            if found:
                return found
    return None


def without_secrets(value: Any) -> Any:
    """A copy with every secret-named field dropped, for hashing payloads."""
    if isinstance(value, Mapping):
        return {k: without_secrets(v) for k, v in value.items() if k not in SECRET_KEYS}
    if isinstance(value, list):
        return [without_secrets(v) for v in value]
    return value
