"""Environment rules beyond the schema: where the reconciler may send credentials."""

from __future__ import annotations

import os
from collections.abc import Iterable

from reconciler.manifests.document import Document
from reconciler.manifests.rules.base import Context
from reconciler.structs.hosts import base_url_refusal
from reconciler.structs.problems import Problem


def base_urls(doc: Document, ctx: Context) -> Iterable[Problem]:
    """Rules ``base-url`` and ``base-url-host``: the check the client makes before any request
    (``structs.hosts.base_url_refusal``), located. The login host receives the client secret
    and the api host the bearer token, so plain http leaves this machine never, and only a
    region's hosts, loopback, or hosts listed outside git receive either."""
    for field in ("apiBaseUrl", "loginBaseUrl"):
        path = ("spec", field)
        url = doc.get(path)
        if not isinstance(url, str):
            continue
        refusal = base_url_refusal(url, os.environ)
        if refusal is not None:
            yield doc.problem(
                path,
                rule=refusal.rule,
                message=f"spec.{field} {refusal.message}, got {url[:60]!r}",
                fix=refusal.fix,
            )
