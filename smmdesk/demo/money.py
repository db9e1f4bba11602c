"""Money on the demo panel: exact Decimals, rounded like the reference (5 places, half up)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from smmdesk.protocol import CHARGE_PLACES

_STEP = Decimal(1).scaleb(-CHARGE_PLACES)


def rounded(amount: Decimal) -> Decimal:
    """``amount`` rounded to protocol.CHARGE_PLACES places, half up."""
    return amount.quantize(_STEP, rounding=ROUND_HALF_UP)


def per_thousand(rate: Decimal, units: int) -> Decimal:
    """The charge for ``units`` at ``rate`` per 1000, rounded."""
    return rounded(rate * units / 1000)


def text(amount: Decimal) -> str:
    """An amount as the answers show it: a string with 5 places ("100.84292")."""
    return str(rounded(amount))


def json_number(amount: Decimal) -> str:
    """An amount as a JSON number literal without float rounding ("4.5", "12")."""
    return format(amount.normalize(), "f")
