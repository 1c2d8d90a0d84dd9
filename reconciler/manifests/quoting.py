"""How a validation message quotes a value from a manifest: ``'...'``, short, on one line,
with nothing that looks like a secret.

A rule that quotes what it found (an unknown model id, a name, a value too long) quotes text
an author or an attacker wrote: it may hold a pasted key, a thousand characters, or a newline
followed by markdown that the pull-request comment would render. ``quoted`` masks the key as
rule ``secret-literal`` does (``secretlike.masked``), escapes what is invisible or breaks the
line (``structs.display.visible``) and cuts the rest.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler.manifests.secretlike import masked
from reconciler.structs.display import shortened, visible

LIMIT = 60


def quoted(value: Any, *, limit: int = LIMIT) -> str:
    """``value`` for a message: a string in single quotes, anything else as JSON."""
    if isinstance(value, str):
        return f"'{shown(value, limit=limit)}'"
    return shown(json.dumps(value, default=str, ensure_ascii=False), limit=limit)


def shown(text: str, *, limit: int = LIMIT) -> str:
    """``text`` masked, on one line and at most ``limit`` characters (before escaping)."""
    return visible(shortened(masked(text), limit))
