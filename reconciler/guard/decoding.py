"""Bounded decoding of base64 and hex blobs hidden in the input.

An instruction can be sent encoded and paired with "decode this and do what it says". The
guard decodes a few blobs so the phrase rules can read them, with hard limits on how many
blobs and how many characters, so that a hostile input cannot make a scan expensive.
"""

from __future__ import annotations

import base64
import binascii
import re

MAX_BLOBS = 4
MIN_BLOB_CHARS = 16
MAX_BLOB_CHARS = 24000
_BASE64 = re.compile(rf"[A-Za-z0-9+/_-]{{{MIN_BLOB_CHARS},}}={{0,2}}")
_HEX = re.compile(r"(?:[0-9a-fA-F]{2}:?){8,}")
_PRINTABLE_SHARE = 0.9
_DIGIT_OR_UPPER = re.compile("[0-9A-Z]")  # blobs are ASCII, so this is isdigit or isupper
# A hex blob is ``2 * 8`` characters or more of hex digits and colons in a row: the bytes of
# the text mapped to "h" for those and "." for every other byte, and a run of "h" looked for.
_HEX_RUN = b"h" * 16
_HEX_CHARS = bytes(
    ord("h") if chr(c) in "0123456789abcdefABCDEF:" else ord(".") for c in range(256)
)


def _readable(raw: bytes) -> str | None:
    """Return the bytes as text when they are UTF-8 and mostly printable."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.isprintable():
        return text or None
    printable = sum(1 for c in text if c.isprintable() or c in "\n\r\t")
    return text if text and printable >= _PRINTABLE_SHARE * len(text) else None


def _from_base64(blob: str) -> str | None:
    if not _DIGIT_OR_UPPER.search(blob, 0, 64):
        return None  # a long lowercase word, not an encoding
    padded = blob.rstrip("=")
    padded += "=" * (-len(padded) % 4)
    try:
        altchars = b"-_" if "-" in blob or "_" in blob else None
        return _readable(base64.b64decode(padded, altchars=altchars))
    except (binascii.Error, ValueError):
        return None


def _from_hex(blob: str) -> str | None:
    try:
        return _readable(bytes.fromhex(blob.replace(":", "")))
    except ValueError:
        return None


def decode_blobs(text: str) -> list[tuple[str, str]]:
    """Return up to ``MAX_BLOBS`` (encoding, decoded text) pairs found in ``text``.

    Blobs are looked for inside whitespace-separated tokens of at least ``MIN_BLOB_CHARS``
    characters only, which keeps the scan of ordinary prose to one ``split``.
    """
    found: list[tuple[str, str]] = []
    # A comprehension picks the long tokens faster than ``compress`` over ``int.__le__``,
    # whose slot wrapper costs more per token than the loop (35 against 57 us on 4 KB).
    long_tokens = [token for token in text.split() if len(token) >= MIN_BLOB_CHARS]
    # The hex expression is tried at every position of a token, and a base64 blob is mostly
    # hex digits: 0.1 ms for 4 KB of base64. A token without a run of hex characters as long
    # as a blob has none.
    decoders = _DECODERS if _has_hex_run(long_tokens) else _DECODERS[1:]
    for token in long_tokens:
        for kind, pattern, decoder in decoders:
            for match in pattern.finditer(token):
                decoded = decoder(match.group()[:MAX_BLOB_CHARS])
                if decoded is not None:
                    found.append((kind, decoded))
                    if len(found) >= MAX_BLOBS:
                        return found
    return found


def _has_hex_run(tokens: list[str]) -> bool:
    """Tell whether a token holds ``_HEX_RUN`` characters of hex digits and colons in a row
    (the tokens are joined by a blank, which no run crosses; other characters' UTF-8 bytes
    are all over 0x7F, so none is taken for one)."""
    joined = " ".join(tokens).encode("utf-8", "surrogatepass")
    return _HEX_RUN in joined.translate(_HEX_CHARS)


_DECODERS = (("hex", _HEX, _from_hex), ("base64", _BASE64, _from_base64))
