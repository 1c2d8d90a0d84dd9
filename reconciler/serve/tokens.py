"""Bearer tokens and the roles they carry (CONTRACT section 7).

The token file holds ``NAME ROLE SHA256-HEX`` lines, never a token itself, so it can live in
a config repo or a secret store without becoming a secret. A presented token is hashed and
compared with every digest in constant time, so neither timing nor an early exit tells an
attacker how close a guess was. Names are for logs and metrics; tokens are never kept.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

from reconciler.structs.errors import ConfigError

SANDBOX_TOKEN = "sandbox-token"  # noqa: S105 - the published default of --sandbox, like its client
_DIGEST = re.compile(r"\A[0-9a-f]{64}\Z")
_WORD_SEPARATORS = re.compile(r"[\s\"'`<>()\[\]{},;=]+")


class Role(IntEnum):
    """Each role includes the rights of the ones before it."""

    VIEWER = 1
    INVOKER = 2
    EDITOR = 3
    ADMIN = 4

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Principal:
    """Who sent a request: the token's name (or the person a trusted proxy named) and the
    token's role."""

    name: str
    role: Role

    @property
    def actor(self) -> str:
        """The audit log's ``actor`` for a change this principal makes (CONTRACT section 5)."""
        return f"serve:{self.name}"

    @property
    def author(self) -> str:
        """The git author of the service's commits for this principal."""
        return f"{self.name} via reconcile serve"


@dataclass(frozen=True)
class _Entry:
    name: str
    role: Role
    digest: bytes


class TokenStore:
    """The known tokens, as digests."""

    def __init__(self, entries: tuple[_Entry, ...]) -> None:
        self._entries = entries

    def __len__(self) -> int:
        return len(self._entries)

    def identify(self, token: str) -> Principal | None:
        """The principal of ``token``; every digest is compared, found or not."""
        presented = hashlib.sha256(token.encode("utf-8")).digest()
        found: Principal | None = None
        for entry in self._entries:
            if hmac.compare_digest(presented, entry.digest) and found is None:
                found = Principal(entry.name, entry.role)
        return found

    def holds(self, text: str) -> bool:
        """Whether ``text``, or any word of it, is one of the tokens (for refusing a payload
        that carries one; the digests are all this store has to compare with)."""
        candidates = {text, *_WORD_SEPARATORS.split(text)}
        digests = {e.digest for e in self._entries}
        return any(
            hashlib.sha256(c.encode("utf-8", "replace")).digest() in digests
            for c in candidates
            if c
        )


def sandbox_tokens() -> TokenStore:
    """The single admin token ``sandbox-token`` that ``--sandbox`` offers without a file."""
    digest = hashlib.sha256(SANDBOX_TOKEN.encode()).digest()
    return TokenStore((_Entry("sandbox", Role.ADMIN, digest),))


def read_tokens(path: Path) -> TokenStore:
    """Parse a token file; every bad line is named (by number, never by its content)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"cannot read the token file {path}: {exc.strerror}",
            hint="pass --tokens FILE with lines 'NAME ROLE SHA256-HEX-OF-TOKEN'",
        ) from exc
    entries, bad = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        entry = _parse(line)
        if entry is None:
            bad.append(str(number))
        else:
            entries.append(entry)
    if bad or not entries:
        where = f"line(s) {', '.join(bad)}" if bad else "no token lines"
        raise ConfigError(
            f"{path}: {where}: each line must be 'NAME ROLE SHA256-HEX-OF-TOKEN'",
            hint="ROLE is viewer, invoker, editor or admin; make the digest with "
            '"printf %s TOKEN | sha256sum"',
        )
    return TokenStore(tuple(entries))


def _parse(line: str) -> _Entry | None:
    parts = line.split()
    if len(parts) != 3 or parts[1].upper() not in Role.__members__:
        return None
    digest = parts[2].lower()
    if not _DIGEST.match(digest):
        return None
    return _Entry(parts[0], Role[parts[1].upper()], bytes.fromhex(digest))
