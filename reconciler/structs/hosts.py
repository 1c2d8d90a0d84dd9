"""Which hosts the reconciler may talk to: loopback, a Genesys Cloud region's, or listed.

Plain http may reach loopback only. Any scheme may reach only a host of a Genesys Cloud region
(a subdomain of a domain in ``reconciler/data/regions.json``), loopback, or a host named in the
``RECONCILE_ALLOWED_HOSTS`` environment variable (comma-separated). That variable lives where
reconcile runs, outside git, so a pull request that edits ``apiBaseUrl`` cannot send the
environment's client secret (or anything else) to a host of its choosing. Validation checks it
with a located problem, and the gateway client again before each request.

The region table is the package's own read-only data, read once: the one thing here that is
not pure, kept here so that the manifest rules and the gateway client share it.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources

ALLOWED_HOSTS_VARIABLE = "RECONCILE_ALLOWED_HOSTS"


def is_loopback_host(host: str | None) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (brackets allowed)."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@cache
def known_regions() -> dict[str, str]:
    """Region name -> domain, read once from the packaged data file."""
    text = resources.files("reconciler").joinpath("data/regions.json").read_text("utf-8")
    regions: dict[str, str] = json.loads(text)["regions"]
    return regions


def listed_hosts(environ: Mapping[str, str]) -> frozenset[str]:
    """The hosts ``RECONCILE_ALLOWED_HOSTS`` adds, lowercased, without blanks."""
    raw = environ.get(ALLOWED_HOSTS_VARIABLE, "")
    return frozenset(h.strip().lower().rstrip(".") for h in raw.split(",") if h.strip())


def is_region_host(host: str) -> bool:
    """True for a host under one of the Genesys Cloud regions' domains."""
    name = host.lower().rstrip(".")
    return any(name.endswith("." + domain) for domain in known_regions().values())


def host_allowed(host: str | None, environ: Mapping[str, str]) -> bool:
    """True when credentials may be sent to ``host`` (see the module docstring)."""
    if not host:
        return False
    return (
        is_loopback_host(host)
        or is_region_host(host)
        or host.lower().rstrip(".") in listed_hosts(environ)
    )


def not_allowed_hint() -> str:
    return (
        "use the region's own hosts (leave apiBaseUrl/loginBaseUrl out), a loopback sandbox, "
        f"or list the host in the {ALLOWED_HOSTS_VARIABLE} environment variable where reconcile "
        "runs (comma-separated, e.g. proxy.example.com)"
    )
