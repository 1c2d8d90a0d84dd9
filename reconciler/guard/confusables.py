"""Fold look-alike characters to the ASCII letters they imitate.

The table is generated from Unicode's confusables data (see ``refresh_confusables.py``) and
loaded once. Only runs of non-ASCII characters are translated, so mostly-ASCII input pays
almost nothing for it.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
# Typographic punctuation that rules written with ASCII quotes must still see.
_PUNCTUATION = {
    "\u2018": "'",
    "\u2019": "'",
    "\u02bc": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00ab": '"',
    "\u00bb": '"',
}


@lru_cache(maxsize=1)
def table() -> dict[int, str]:
    """Return the translation table: code point to replacement text."""
    raw = resources.files("reconciler").joinpath("data", "confusables.json").read_text("utf-8")
    mapping: dict[str, str] = json.loads(raw)["map"]
    mapping.update(_PUNCTUATION)
    return {ord(char): target for char, target in mapping.items()}


def fold(text: str) -> str:
    """Replace confusable characters with their ASCII look-alikes."""
    if text.isascii():
        return text
    translation = table()
    return _NON_ASCII_RUN.sub(lambda m: m.group().translate(translation), text)
