"""Who may do what: the bearer token's role against the route's, and the token's rate.

401 when the token is missing or unknown (it is hashed and compared, never echoed or logged),
429 with ``Retry-After`` when the token spent its minute, 403 when its role is too low.

Failed authentications are counted per client address (``LOGIN_FAILURES_PER_MINUTE`` of
``ratelimit``); past that the address gets 429 for every token until its minute is over, the
right one included, or a guesser would only be slowed down, not stopped from learning that a
guess was right.
Behind a proxy the client address is the one the proxy appended to ``X-Forwarded-For`` (the
last entry: anything before it is what the client claimed); without a proxy the peer's.
"""

from __future__ import annotations

from starlette.requests import Request

from reconciler.serve.errors import ApiError
from reconciler.serve.ratelimit import RateLimiter
from reconciler.serve.service import Service
from reconciler.serve.tokens import Principal, Role

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="reconcile"'}


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
    request.state.user = principal.name  # for the access line
    _throttle(service.limiter, principal.name, "requests this minute", spend=True)
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


def client_address(request: Request, *, behind_proxy: bool) -> str:
    """Who is on the other end, as far as this service can tell (see the module's note)."""
    if behind_proxy:
        forwarded = request.headers.get("x-forwarded-for", "").rsplit(",", 1)[-1].strip()
        if forwarded:
            return forwarded[:64]
    return request.client.host if request.client else "unknown"
