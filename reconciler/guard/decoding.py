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
    for token in long_tokens:
        for kind, pattern, decoder in _DECODERS:
            for match in pattern.finditer(token):
                decoded = decoder(match.group()[:MAX_BLOB_CHARS])
                if decoded is not None:
                    found.append((kind, decoded))
                    if len(found) >= MAX_BLOBS:
                        return found
    return found


_DECODERS = (("hex", _HEX, _from_hex), ("base64", _BASE64, _from_base64))
