"""Environment rules beyond the schema: where the reconciler may send credentials."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from reconciler.manifests.document import Document
from reconciler.manifests.rules.base import Context
from reconciler.structs.hosts import is_loopback_host
from reconciler.structs.problems import Problem


def base_urls(doc: Document, ctx: Context) -> Iterable[Problem]:
    """Rule ``base-url``: https, or plain http to a loopback sandbox only.

    The login host receives the client secret, so plain http anywhere but this machine would
    send it in clear text.
    """
    for field in ("apiBaseUrl", "loginBaseUrl"):
        path = ("spec", field)
        url = doc.get(path)
        if not isinstance(url, str):
            continue
        parts = urlsplit(url)
        if parts.scheme == "https" and parts.hostname:
            continue
        if parts.scheme == "http" and is_loopback_host(parts.hostname):
            continue
        yield doc.problem(
            path,
            rule="base-url",
            message=f"spec.{field} must be an https:// URL (plain http only for "
            f"loopback), got '{url[:60]}'",
            fix="use https://..., or http://127.0.0.1:PORT for a local sandbox",
        )
