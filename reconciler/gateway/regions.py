"""Where a Genesys Cloud region's API and login hosts live, and which base URLs we accept.

The region table is data (``reconciler/data/regions.json``, with its provenance) because regions
are added over time; code only knows the ``https://api.<domain>`` / ``https://login.<domain>``
rule. Plain http is refused except on loopback, so a typo can never send a client secret over
the network in clear text, and a host outside the regions and loopback only when the
environment lists it (``structs.hosts``), so a pull request cannot send it elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from reconciler.structs.errors import ConfigError
from reconciler.structs.hosts import (
    ALLOWED_HOSTS_VARIABLE,
    host_allowed,
    is_loopback_host,
    known_regions,
    not_allowed_hint,
)

__all__ = ["SANDBOX_REGION", "check_base_url", "endpoints_for_region", "known_regions"]

SANDBOX_REGION = "sandbox"


def endpoints_for_region(
    region: str, *, api_base_url: str | None = None, login_base_url: str | None = None
) -> tuple[str, str]:
    """Return ``(api_base_url, login_base_url)`` for a region, overrides winning.

    Raises ``ConfigError`` for an unknown region, a sandbox region without both base URLs, or a
    base URL that is not https (http is allowed for loopback hosts only).
    """
    if region == SANDBOX_REGION:
        if not (api_base_url and login_base_url):
            raise ConfigError(
                "region 'sandbox' needs both apiBaseUrl and loginBaseUrl",
                hint="set spec.apiBaseUrl and spec.loginBaseUrl to the URL 'reconcile sandbox' "
                "prints, e.g. http://127.0.0.1:8787",
            )
        return check_base_url(api_base_url), check_base_url(login_base_url)
    domain = known_regions().get(region)
    if domain is None:
        raise ConfigError(
            f"unknown region {region!r}",
            hint="use one of: " + ", ".join([*sorted(known_regions()), SANDBOX_REGION]),
        )
    api = check_base_url(api_base_url) if api_base_url else f"https://api.{domain}"
    login = check_base_url(login_base_url) if login_base_url else f"https://login.{domain}"
    return api, login


def check_base_url(url: str, environ: Mapping[str, str] | None = None) -> str:
    """Validate a base URL and return it without a trailing slash: http(s), no credentials,
    plain http to loopback only, and a host that credentials may be sent to."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(
            f"base URL {url!r} is not an http(s) URL",
            hint="write it as https://host[:port], e.g. https://api.mypurecloud.com",
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigError(
            f"base URL {url!r} must not carry a query, fragment or credentials",
            hint="give only scheme, host, port and an optional path prefix",
        )
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ConfigError(
            f"base URL {url!r} uses plain http to a non-loopback host",
            hint="use https; plain http is only allowed for 127.0.0.0/8, ::1 and localhost",
        )
    if not host_allowed(parts.hostname, os.environ if environ is None else environ):
        raise ConfigError(
            f"base URL {url!r} names a host that is neither a Genesys Cloud region's, "
            f"nor loopback, nor listed in {ALLOWED_HOSTS_VARIABLE}",
            hint=not_allowed_hint(),
        )
    return url.rstrip("/")
