"""Environment rules beyond the schema: where the reconciler may send credentials."""

from __future__ import annotations

import os
from collections.abc import Iterable
from urllib.parse import urlsplit

from reconciler.manifests.document import Document
from reconciler.manifests.rules.base import Context
from reconciler.structs.hosts import (
    ALLOWED_HOSTS_VARIABLE,
    host_allowed,
    is_loopback_host,
    not_allowed_hint,
)
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
        secure = parts.scheme == "https" and parts.hostname
        if secure or (parts.scheme == "http" and is_loopback_host(parts.hostname)):
            if not host_allowed(parts.hostname, os.environ):
                yield _foreign_host(doc, field, str(parts.hostname))
            continue
        yield doc.problem(
            path,
            rule="base-url",
            message=f"spec.{field} must be an https:// URL (plain http only for "
            f"loopback), got '{url[:60]}'",
            fix="use https://..., or http://127.0.0.1:PORT for a local sandbox",
        )


def _foreign_host(doc: Document, field: str, host: str) -> Problem:
    """Rule ``base-url-host``: the host receives the client secret (login) or the bearer
    token (api), so only a region's hosts, loopback, or hosts listed outside git qualify."""
    return doc.problem(
        ("spec", field),
        rule="base-url-host",
        message=f"spec.{field} names the host '{host[:80]}', which is not a Genesys Cloud "
        f"region's host, not loopback and not listed in {ALLOWED_HOSTS_VARIABLE}",
        fix=not_allowed_hint(),
    )
