"""How money and rates read in every report: "$1,035.00", "+$972.90", "$2.50" per 1M tokens.

Rounding happens here and only here, half-up to the cent as people round money; every figure
before display stays an exact Decimal.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
# Rounding to the cent keeps every digit left of the point, and the default context holds 28:
# usage at the manifests' 2^53 bound (requests x tokens) costs some 10^33 dollars, which
# quantize refused with InvalidOperation. Enough digits for any product of bounded inputs.
_WIDE = Context(prec=200)


def _to(value: Decimal, step: Decimal) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP, context=_WIDE)


def usd(value: Decimal | None, *, signed: bool = False, missing: str = "n/a") -> str:
    """``$1,234.50``; ``+$1.00`` / ``-$1.00`` when ``signed``; ``missing`` for None."""
    if value is None:
        return missing
    cents = _to(value, CENT)
    sign = "-" if cents < 0 else "+" if signed and cents > 0 else ""
    return f"{sign}${abs(cents):,.2f}"


def rate(value: Decimal | None, *, missing: str = "n/a") -> str:
    """A price per 1M tokens: "$2.50", "$0.075"; as many digits as the rate has, at least two."""
    if value is None:
        return missing
    exponent = value.normalize().as_tuple().exponent
    digits = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"${value:,.{digits}f}"


def cents(value: Decimal | None) -> str | None:
    """Machine-readable money for JSON: a string with two decimals, None stays None."""
    return None if value is None else str(_to(value, CENT))


def percent(value: Decimal | None, *, signed: bool = True) -> str:
    """``+1,566.7%``; "n/a" when there is no base to compare with."""
    if value is None:
        return "n/a"
    tenths = _to(value, TENTH)
    sign = "+" if signed and tenths > 0 else ""
    return f"{sign}{tenths:,.1f}%"
