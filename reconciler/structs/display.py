"""How untrusted text is shown: on one line, with nothing invisible.

Names, values and messages reach every report from manifests and from the live Gateway, which
nothing validates. A newline in an endpoint's name starts a new line of a terminal report (a
``::error file=...::`` workflow command in a CI log) or ends a markdown table row; a
right-to-left override makes ``gnp.exe`` read as ``exe.png``; a zero-width space makes two
names look equal. ``visible`` writes each such character as an escape (``\\n``, ``\\u202E``),
the same way in every view, and ``shortened`` cuts a long value to a length a line can carry.

The escapes are JSON's (``\\uXXXX``, uppercase as YAML writes them), so a JSON value passed
through ``visible`` is still valid JSON meaning the same string.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Unicode's controls (Cc), line and paragraph separators (Zl, Zp) and format characters (Cf:
# zero-width spaces and joiners, bidirectional marks, overrides and isolates, the BOM, the
# invisible tag letters); a test holds this class equal to those categories.
_INVISIBLE = re.compile(
    "[\u0000-\u001f\u007f-\u009f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
ELLIPSIS = "…"


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def visible(text: str) -> str:
    """``text`` on one line: every control, separator and invisible format character as an
    escape; everything else (accents, emoji, other scripts) as it is, except the openings of
    a GitHub Actions workflow command, which the runner obeys on any line of a log: ``##[``
    anywhere (``##[error]``, ``##[add-mask]``) and ``::`` at the start after spaces, whose
    first bracket or colon is written as its escape."""
    shown = _INVISIBLE.sub(_escape, text) if _INVISIBLE.search(text) else text
    if "##[" in shown:
        shown = shown.replace("##[", "##\\u005B")
    if shown.lstrip().startswith("::"):
        at = shown.index("::")
        shown = shown[:at] + "\\u003A" + shown[at + 1 :]
    return shown


def shortened(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the last an ellipsis, when it is longer."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def listed(items: Sequence[str], limit: int) -> str:
    """The first ``limit`` of ``items``, each ``visible``, and how many more there are: what a
    refusal names (file names from a pull request among them) without a page of them."""
    shown = ", ".join(visible(item) for item in items[:limit])
    more = len(items) - limit
    return shown + (f" and {more} more" if more > 0 else "")
