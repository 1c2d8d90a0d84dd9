"""Control, invisible, bidi and tag characters: remove, flag, decode.

``sanitize`` is the only function in the guard whose output is sent onwards: it removes NUL
and other control characters and nothing else. ``strip_hidden`` prepares a separate copy
for detection, without the characters a reader cannot see, and decodes Unicode tag
characters, which spell ASCII invisibly and so can carry a whole hidden instruction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ASCII_BYTES = bytes(range(128))
_ASCII_CONTROL_BYTES = bytes([*range(9), 11, 12, *range(14, 32), 127])
_C1_CONTROL = re.compile("[\x80-\x9f]")
_TAGS = "\U000e0000-\U000e007f"
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_INVISIBLE = (
    "\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200d\u2060-\u2065"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0100-\U000e01ef"
)
_FULLWIDTH = "\uff21-\uff3a\uff41-\uff5a"
_BLACK_FLAG = "\U0001f3f4"
_FLAG_SEQUENCE = re.compile(f"{_BLACK_FLAG}[\U000e0020-\U000e007e]+\U000e007f")
# U+E0000 to U+E007F in UTF-8: F3 A0 80 80 to F3 A0 81 BF. F3 only ever opens a character,
# so a match cannot start inside one.
_TAG_LEAD = b"\xf3\xa0"
_TAG_CHAR_BYTES = rb"\xf3\xa0[\x80\x81][\x80-\xbf]"
_TAG_RUN_BYTES = re.compile(_TAG_CHAR_BYTES + b"(?:" + _TAG_CHAR_BYTES + b")*")
_BIDI_CHAR = re.compile(f"[{_BIDI}]")
_FULLWIDTH_RUN = re.compile(f"[{_FULLWIDTH}]{{4,}}")


def _chars(ranges: str) -> frozenset[str]:
    """Expand a character-class body such as "a-cx" into the set of its characters."""
    chars: set[str] = set()
    i = 0
    while i < len(ranges):
        if i + 2 < len(ranges) and ranges[i + 1] == "-":
            chars.update(chr(c) for c in range(ord(ranges[i]), ord(ranges[i + 2]) + 1))
            i += 3
        else:
            chars.add(ranges[i])
            i += 1
    return frozenset(chars)


_INVISIBLE_SET = _chars(_INVISIBLE)
_BIDI_SET = _chars(_BIDI)
_HIDDEN_SET = _INVISIBLE_SET | _BIDI_SET
# Every character worth a second look; a set intersection with the text's few distinct
# non-ASCII characters costs less than a regular expression over all of them.
_SUSPECT_SET = _chars(_TAGS) | _BIDI_SET | _INVISIBLE_SET | _chars(_FULLWIDTH)


@dataclass(frozen=True)
class Signal:
    """Evidence of obfuscation found while preparing the text."""

    reason: str
    weight: float


@dataclass
class Prepared:
    """A text without hidden characters, its tag-character payload and the signals seen."""

    visible: str
    tag_payload: str = ""
    signals: list[Signal] = field(default_factory=list)


def non_ascii(text: str) -> str:
    """The text's non-ASCII characters, in order.

    Byte-level deletion runs in C at about a nanosecond a character, where a regular
    expression costs several, so the many checks that only concern non-ASCII characters
    (invisible, bidi, tag, look-alike letters) look at this short string instead.
    """
    if text.isascii():
        return ""
    raw = text.encode("utf-8", "surrogatepass")
    return raw.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")


@lru_cache(maxsize=8)
def distinct_non_ascii(text: str) -> frozenset[str]:
    """The text's distinct non-ASCII characters, kept for the few texts seen last.

    Hiding characters, folding and the look-alike check each want them, usually of the same
    text (the visible text when nothing was hidden), and the set of a 4 KB text of
    look-alike or fullwidth letters costs tens of microseconds to build.
    """
    return frozenset(non_ascii(text))


def sanitize(text: str) -> str:
    """Remove NUL and control characters, keeping tab, newline and carriage return."""
    raw = text.encode("utf-8", "surrogatepass")
    # C1 controls (U+0080 to U+009F) are the bytes C2 80 to C2 9F in UTF-8.
    if len(raw.translate(None, _ASCII_CONTROL_BYTES)) == len(raw) and (
        b"\xc2" not in raw or not _C1_CONTROL.search(non_ascii(text))
    ):
        return text
    return _CONTROL.sub("", text)


def strip_hidden(text: str) -> Prepared:
    """Remove invisible, bidi and tag characters; decode tag characters to ASCII."""
    if "\u00ad" in text:
        text = text.replace("\u00ad", "")  # soft hyphens are common in pasted text
    prepared = Prepared(text)
    if text.isascii():
        return prepared
    raw = text.encode("utf-8", "surrogatepass")
    if _TAG_LEAD in raw:
        _take_tags(prepared, raw)
    # Tag characters are gone by now: a hidden instruction spells thousands of them, and
    # building a set of them would cost more than the rest of the preparation.
    found = distinct_non_ascii(prepared.visible) & _SUSPECT_SET
    if not found:
        return prepared
    invisible = frozenset(found & _INVISIBLE_SET)
    if invisible and _in_word(invisible).search(prepared.visible):
        prepared.signals.append(Signal("invisible characters inside words", 0.4))
    if not found.isdisjoint(_BIDI_SET):
        prepared.signals.append(Signal("bidirectional control characters", 0.3))
    for char in found & _HIDDEN_SET:
        prepared.visible = prepared.visible.replace(char, "")
    if any("\uff21" <= c <= "\uff5a" for c in found) and _FULLWIDTH_RUN.search(prepared.visible):
        prepared.signals.append(Signal("fullwidth Latin letters", 0.3))
    return prepared


@lru_cache(maxsize=64)
def _in_word(invisible: frozenset[str]) -> re.Pattern[str]:
    """An invisible character between letters, starting with one of those the text has.

    Starting with the few characters actually present, rather than the whole class, lets
    the regex engine skip to them with a fast literal search.
    """
    first = "".join(sorted(invisible))
    return re.compile(f"[{first}](?<=[A-Za-z].)[{_INVISIBLE}]*[A-Za-z]")


def _take_tags(prepared: Prepared, raw: bytes) -> None:
    """Move tag characters, except those of emoji flag sequences, into the payload.

    The work is done on the UTF-8 bytes, where every tag character opens with the same two
    bytes: an expression that starts with them skips ahead with a fast literal search, where
    a character class is tried at every position of the text.
    """
    text = prepared.visible
    if _BLACK_FLAG in text:
        text = _FLAG_SEQUENCE.sub("", text)
        raw = text.encode("utf-8", "surrogatepass")
    runs = _TAG_RUN_BYTES.findall(raw)
    if runs:
        # UTF-32 spells U+E00xx as the bytes xx 00 0E 00: every fourth byte is the ASCII.
        tags = b"".join(runs).decode("utf-8").encode("utf-32-le")
        prepared.tag_payload = sanitize(tags[::4].decode("ascii"))
        prepared.signals.append(Signal("hidden Unicode tag characters", 0.5))
        text = _TAG_RUN_BYTES.sub(b"", raw).decode("utf-8", "surrogatepass")
    prepared.visible = text
