"""Who may do what: the bearer token's role against the route's, and the token's rate.

401 when the token is missing or unknown (it is hashed and compared, never echoed or logged),
429 with ``Retry-After`` when the token spent its minute, 403 when its role is too low.
"""

from __future__ import annotations

from starlette.requests import Request

from reconciler.serve.errors import ApiError
from reconciler.serve.service import Service
from reconciler.serve.tokens import Principal, Role

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="reconcile"'}


def authorize(service: Service, request: Request, needs: Role, *, what: str) -> Principal:
    """The principal of the request's token, if it may ``what``; else the refusal."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(
            401, "unauthorized", "send 'Authorization: Bearer TOKEN'", headers=_CHALLENGE
        )
    principal = service.tokens.identify(token.strip())
    if principal is None:
        raise ApiError(401, "unauthorized", "the token is not valid", headers=_CHALLENGE)
    wait = service.limiter.admit(principal.name)
    if wait is not None:
        raise ApiError(
            429,
            "too-many-requests",
            f"more than {service.limiter.per_minute} requests this minute; retry in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    if principal.role < needs:
        raise ApiError(
            403,
            "forbidden",
            f"role '{principal.role.label}' may not {what}; it needs '{needs.label}'",
        )
    return principal
