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

from reconciler.structs.errors import ConfigError
from reconciler.structs.hosts import base_url_refusal, known_regions

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
    """Validate a base URL (``structs.hosts.base_url_refusal``, the check ``validate`` makes)
    and return it without a trailing slash."""
    refusal = base_url_refusal(url, os.environ if environ is None else environ)
    if refusal is not None:
        raise ConfigError(f"base URL {url!r} {refusal.message}", hint=refusal.fix)
    return url.rstrip("/")
