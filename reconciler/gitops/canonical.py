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

from reconciler.structs.errors import ConfigError

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
OPTIONAL_FIELDS = ("mac", "macVersion")
MAC_VERSION = 2  # the MAC covers prevHash; entries without macVersion carry the older MAC
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
    """HMAC-SHA256 over the whole entry but its own ``hash`` and ``mac``, ``prevHash`` and
    ``macVersion`` included.

    The chain shows an entry was not changed after the next one was written; the MAC shows it
    was written by someone holding the key, so an entry forged and chained correctly at the end
    still fails. Covering ``prevHash`` binds each entry to everything before it (the hash it
    names covers the entry before, and so on), so deleting entries and re-linking the rest,
    which needs no key, breaks the MAC of the first re-linked entry.
    """
    content = {k: v for k, v in entry.items() if k not in ("hash", "mac")}
    return hmac.new(key, canonical(content).encode("utf-8"), hashlib.sha256).hexdigest()


def legacy_mac(entry: Mapping[str, Any], key: bytes) -> str:
    """The MAC of entries written before ``macVersion`` 2: links left out. Verified only where
    a later whole-entry MAC seals it (``chain``), since it alone allows re-linking."""
    content = {k: v for k, v in entry.items() if k not in ("prevHash", "hash", "mac")}
    return hmac.new(key, canonical(content).encode("utf-8"), hashlib.sha256).hexdigest()


def sign(entry: dict[str, Any], key: bytes) -> dict[str, Any]:
    """``entry`` (with its ``prevHash`` set) given a whole-entry MAC under ``key``."""
    entry["macVersion"] = MAC_VERSION
    entry["mac"] = entry_mac(entry, key)
    return entry


def rechain(
    entries: Iterable[Mapping[str, Any]], prev_hash: str, *, key: bytes | None = None
) -> list[dict[str, Any]]:
    """The same events chained on top of ``prev_hash``: prevHash and hash change, and an
    entry with a MAC is signed again (whole-entry) with ``key`` (default RECONCILE_AUDIT_KEY);
    one whose MAC covers its old prevHash cannot move without the key, so that is an error."""
    key = key if key is not None else audit_key()
    out: list[dict[str, Any]] = []
    for entry in entries:
        linked = {**entry, "prevHash": prev_hash}
        if "mac" in linked and key is not None:
            sign(linked, key)
        elif "macVersion" in linked:
            raise ConfigError(
                f"audit entry {linked.get('auditId')} carries a MAC over its prevHash, so it "
                f"cannot be re-chained without {AUDIT_KEY_VARIABLE}",
                hint=f"set {AUDIT_KEY_VARIABLE} (the key the log is written with) and push again",
            )
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
