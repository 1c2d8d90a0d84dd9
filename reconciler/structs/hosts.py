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
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

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


# urlsplit silently drops tabs and newlines (WHATWG does too), and other parsers read a
# backslash as a path separator: a URL holding either could name one host to this check and
# another to whatever connects. Neither belongs in a base URL, so both are refused outright.
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\\]")


@dataclass(frozen=True)
class UrlRefusal:
    """Why a base URL is refused: ``rule`` is ``base-url`` (malformed, or plain http off
    loopback) or ``base-url-host`` (a host credentials may not be sent to)."""

    rule: str
    message: str
    fix: str


def base_url_refusal(url: str, environ: Mapping[str, str]) -> UrlRefusal | None:
    """The one check of ``apiBaseUrl``/``loginBaseUrl``, for validation and for the client
    before any request, so a URL that validates is a URL the client accepts: http(s), a host,
    a valid port, no credentials, query or fragment, plain http to loopback only, and a host
    that may receive credentials."""
    fix = "write it as https://host[:port], e.g. https://api.mypurecloud.com"
    unsafe = _UNSAFE.search(url)
    if unsafe:
        what = "a backslash" if unsafe.group() == "\\" else "a space or control character"
        return UrlRefusal("base-url", f"holds {what} ({unsafe.group()!r})", fix)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises for a port out of range or not a number)
    except ValueError as exc:
        return UrlRefusal("base-url", f"is not a URL with a valid port ({exc})", fix)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return UrlRefusal("base-url", "is not an http(s) URL with a host", fix)
    if parts.query or parts.fragment or parts.username is not None or parts.password:
        return UrlRefusal(
            "base-url",
            "must not carry a query, fragment or credentials",
            "give only scheme, host, port and an optional path prefix",
        )
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        return UrlRefusal(
            "base-url",
            "must be an https:// URL (plain http only for loopback)",
            "use https://..., or http://127.0.0.1:PORT for a local sandbox",
        )
    if not host_allowed(parts.hostname, environ):
        return UrlRefusal(
            "base-url-host",
            f"names the host '{parts.hostname[:80]}', which is not a Genesys Cloud region's "
            f"host, not loopback and not listed in {ALLOWED_HOSTS_VARIABLE}",
            not_allowed_hint(),
        )
    return None
