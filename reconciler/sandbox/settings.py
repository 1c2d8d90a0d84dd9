"""The emulator's settings: OAuth clients, delays, limits and fault injection."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

READ_SCOPE = "ai:models:read"
WRITE_SCOPE = "ai:models:write"
ALL_SCOPES = (READ_SCOPE, WRITE_SCOPE)


@dataclass(frozen=True)
class ClientSpec:
    """One OAuth client-credentials grant the emulated login host accepts."""

    client_id: str
    secret: str = field(repr=False)
    scopes: tuple[str, ...] = ALL_SCOPES


@dataclass(frozen=True)
class SandboxSettings:
    """How the emulated platform behaves; defaults follow the real platform's limits."""

    clients: tuple[ClientSpec, ...] = (ClientSpec("sandbox", "sandbox-secret"),)
    provision_seconds: tuple[float, float] = (20.0, 40.0)
    rate_limit: int = 300
    error_rate: float = 0.0
    error_rate_token: bool = False
    # Writes performed and then answered 502, as when the reply is lost on the way back.
    lost_reply_rate: float = 0.0
    token_ttl: float = 86400.0
    state_file: Path | None = None
    seed: int | None = None
    # Deleting is faster than provisioning on the platform; None means a quarter of the
    # provisioning range.
    delete_seconds: tuple[float, float] | None = None
    max_body_bytes: int = 1024 * 1024
    # A client that stops sending mid-request gets 408 after this long, never a hung thread.
    read_timeout: float = 10.0
    # ...and one that sends it a byte at a time gets 408 once the whole request took this long.
    request_deadline: float = 30.0

    def __post_init__(self) -> None:
        low, high = self.provision_seconds
        if not 0 <= low <= high:
            raise ValueError("provision_seconds must be MIN:MAX with 0 <= MIN <= MAX")
        if self.rate_limit < 1:
            raise ValueError("rate_limit must be at least 1 request per minute")
        if not 0.0 <= self.error_rate <= 1.0:
            raise ValueError("error_rate must be a fraction between 0 and 1")
        if not 0.0 <= self.lost_reply_rate <= 1.0:
            raise ValueError("lost_reply_rate must be a fraction between 0 and 1")
        if self.read_timeout <= 0 or self.request_deadline <= 0:
            raise ValueError("read_timeout and request_deadline must be positive")
        if self.token_ttl <= 0:
            raise ValueError("token_ttl must be positive")
        if not self.clients:
            raise ValueError("at least one OAuth client is needed")

    def deletion_range(self) -> tuple[float, float]:
        """The delay range of DELETING before a model is gone."""
        if self.delete_seconds is not None:
            return self.delete_seconds
        low, high = self.provision_seconds
        return (low / 4, high / 4)


def parse_client(text: str) -> ClientSpec:
    """``ID:SECRET[:SCOPES]`` split at the first two colons; SCOPES are comma-separated.

    Scopes themselves contain colons (``ai:models:read``), which is why only the first two split.
    """
    parts = text.split(":", 2)
    if len(parts) < 2 or not parts[0] or not parts[1]:
        # Without a colon the text may be a secret: it is never echoed.
        named = f" {parts[0]!r}" if len(parts) >= 2 else ""
        raise ValueError(
            f"client{named} must be ID:SECRET[:SCOPES], e.g. reader:s3cret:{READ_SCOPE}"
        )
    scopes: tuple[str, ...] = ALL_SCOPES
    if len(parts) == 3:
        scopes = tuple(s.strip() for s in parts[2].split(",") if s.strip())
        unknown = sorted(set(scopes) - set(ALL_SCOPES))
        if unknown or not scopes:
            raise ValueError(
                f"client {parts[0]!r}: unknown scopes {unknown or '(none)'}; "
                f"use {', '.join(ALL_SCOPES)}"
            )
    return ClientSpec(parts[0], parts[1], scopes)


def parse_range(text: str) -> tuple[float, float]:
    """``MIN:MAX`` seconds (a single number means a fixed delay)."""
    low_text, _, high_text = text.partition(":")
    low = float(low_text)
    high = float(high_text) if high_text else low
    if not 0 <= low <= high:
        raise ValueError(f"{text!r} must be MIN:MAX seconds with 0 <= MIN <= MAX")
    return (low, high)
