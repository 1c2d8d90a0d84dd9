"""Who may do what: the bearer token's role against the route's, and the token's rate.

401 when the token is missing or unknown (it is hashed and compared, never echoed or logged),
429 with ``Retry-After`` when the token spent its minute, 403 when its role is too low.

Failed authentications are counted per client address (``login_failures_per_minute``,
20 by default); past that the address gets 429 for every token until its minute is over,
the right one included, or a guesser would only be slowed down, not stopped from learning
that a guess was right.
Behind a proxy the client address is the one the proxy appended to ``X-Forwarded-For`` (the
last entry: anything before it is what the client claimed); without a proxy the peer's.
"""

from __future__ import annotations

import re
from dataclasses import replace

from starlette.requests import Request

from reconciler.serve.errors import ApiError
from reconciler.serve.ratelimit import RateLimiter
from reconciler.serve.service import Service
from reconciler.serve.tokens import Principal, Role

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="reconcile"'}
_PERSON = re.compile(r"[^\W_][\w .-]{0,63}")  # letters of any script; no control characters


def authorize(service: Service, request: Request, needs: Role, *, what: str) -> Principal:
    """The principal of the request's token, if it may ``what``; else the refusal."""
    address = client_address(request, behind_proxy=service.settings.behind_proxy)
    _throttle(service.failed_logins, address, "failed authentications from this address")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        service.failed_logins.spend(address)
        raise ApiError(
            401, "unauthorized", "send 'Authorization: Bearer TOKEN'", headers=_CHALLENGE
        )
    principal = service.tokens.identify(token.strip())
    if principal is None:
        service.failed_logins.spend(address)
        raise ApiError(401, "unauthorized", "the token is not valid", headers=_CHALLENGE)
    _throttle(service.limiter, principal.name, "requests this minute", spend=True)
    principal = _person(service, request, principal)
    request.state.user = principal.name  # for the access line
    if principal.role < needs:
        raise ApiError(
            403,
            "forbidden",
            f"role '{principal.role.label}' may not {what}; it needs '{needs.label}'",
        )
    return principal


def _throttle(limiter: RateLimiter, key: str, what: str, *, spend: bool = False) -> None:
    wait = limiter.admit(key) if spend else limiter.waiting(key)
    if wait is not None:
        raise ApiError(
            429,
            "too-many-requests",
            f"more than {limiter.per_minute} {what}; retry in {wait} s",
            headers={"Retry-After": str(wait)},
        )


def _person(service: Service, request: Request, principal: Principal) -> Principal:
    """With ``--trusted-user-header``, the person the proxy names, with the token's role."""
    header = service.settings.trusted_user_header
    if header is None or not service.settings.behind_proxy:
        return principal
    given = request.headers.get(header, "").strip()
    if not given:
        return principal
    name = given.split("@", 1)[0]  # an address: only its local part, as the CLI's actor
    if not _PERSON.fullmatch(name):
        raise ApiError(
            400,
            "invalid-user-header",
            f"the {header} header must be a name of 1-64 letters, digits, spaces, '.', '_' or '-'",
        )
    return replace(principal, name=name)


def client_address(request: Request, *, behind_proxy: bool) -> str:
    """Who is on the other end, as far as this service can tell (see the module's note)."""
    if behind_proxy:
        forwarded = request.headers.get("x-forwarded-for", "").rsplit(",", 1)[-1].strip()
        if forwarded:
            return forwarded[:64]
    return request.client.host if request.client else "unknown"
