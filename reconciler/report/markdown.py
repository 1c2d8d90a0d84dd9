"""Untrusted text in a markdown report: a code span or a run of text, never markup.

Names, values, field paths and messages come from manifests and from the live Gateway, which
nothing validates: an unmanaged endpoint's name reaches the nightly drift issue as it is. In a
pull-request comment a newline ends a table row (``# H1`` after it is a heading), a backtick
ends a code span, a ``|`` splits a cell, ``</details>`` closes the fold, ``<img onerror>`` is
HTML, and ``@someone`` or ``#123`` notifies a person or links an issue. Every reporter puts
such text through one of two functions:

- ``code``: a code span. The text is on one line (``structs.display.visible``), its fence is
  longer than any run of backticks in it, and in a table its ``|`` is escaped as GFM asks.
  Inside it nothing renders: no HTML, no mention.
- ``text``: inline text. On one line, every character that could end a span or a cell, or
  start a link, an entity, HTML or a heading is backslash-escaped, and each ``@mention``,
  ``#123``, ``GH-123``, URL or ``owner/repo@sha`` is put in a code span, where GitHub
  neither notifies nor links.
"""

from __future__ import annotations

import re

from reconciler.structs.display import visible

# What GitHub turns into a notification or a link to an issue: a user or team, an issue or
# pull request number (``#12``, ``repo#12``), ``GH-12``.
# And what it turns into a link by itself: a URL (``https://...``, ``www....``, which also
# cross-references an issue it names), a commit reference (``owner/repo@abc1234``), an e-mail
# address.
_REFERENCE = re.compile(
    r"\b(?:https?://|ftp://|www\.)[^\s`]+"
    r"|\b[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+@[0-9a-f]{7,40}\b"
    r"|\b[A-Za-z0-9_.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b"
    r"|(?<![A-Za-z0-9_])@[A-Za-z0-9][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_.-]+)?|#\d+|\bGH-\d+",
    re.IGNORECASE,
)
# What could end a code span, a cell or a line's meaning, start a link, an entity, HTML or a
# heading; ``_`` and ``~`` only emphasise, and escaping them would clutter every variable name.
_SPECIAL = re.compile(r"[\\`*\[\]<>|&#]")
_BACKTICKS = re.compile(r"`+")


def code(value: str, *, table: bool = True) -> str:
    """``value`` as an inline code span that nothing in it can end. ``table``: it sits in a
    table cell, where a ``|`` must be escaped (outside one the backslash would show)."""
    body = visible(value)
    if table:
        # GFM splits the row before it reads code spans: only ``\|`` stays in the cell (and
        # shows as ``|``), whatever precedes it.
        body = body.replace("|", "\\|")
    longest = longest_backticks(body)
    if not longest:
        return f"`{body}`" if body.strip() else "` `"
    ticks = "`" * (longest + 1)
    return f"{ticks} {body} {ticks}"


def longest_backticks(value: str) -> int:
    """The longest run of backticks in ``value``: a fence around it must be longer."""
    return max((len(run) for run in _BACKTICKS.findall(value)), default=0)


def text(value: str) -> str:
    """``value`` as inline markdown text that renders as the characters it holds."""
    value = visible(value)
    out: list[str] = []
    last = 0
    for match in _REFERENCE.finditer(value):
        out += [_escaped(value[last : match.start()]), code(match.group())]
        last = match.end()
    out.append(_escaped(value[last:]))
    return "".join(out)


def _escaped(value: str) -> str:
    return _SPECIAL.sub(lambda m: "\\" + m.group(), value)
