"""Money shown to people: the one formatting rule of the CLI, the window and the exports' text.

Amounts stay exact ``Decimal`` everywhere. ``format_money`` rounds nothing away: at least two
decimals, no zeros beyond them (``1000.00000`` -> ``1000.00``, ``0.55405`` stays): for rates,
the details of one order, the CLI. ``amount_text`` is how the window lists balances, charges
and costs side by side: always two decimals (rounded half up), so a column reads evenly;
the exact amount goes in its tooltip.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_CENTS = Decimal("0.01")


def plain(amount: Decimal) -> Decimal:
    """``amount`` without trailing zeros beyond the second decimal: 1000.00000 -> 1000.00."""
    if not amount.is_finite():
        return amount
    trimmed = amount.normalize()
    exponent = trimmed.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        return amount.quantize(_CENTS)
    return trimmed


def format_money(
    amount: Decimal | None,
    currency: str | None = None,
    *,
    grouping: bool = False,
    missing: str = "",
) -> str:
    """ "12.50 USD" ("1,234.50 USD" with ``grouping``); ``missing`` when the amount is unknown."""
    if amount is None:
        return missing
    value = plain(amount)
    text = f"{value:,f}" if grouping else f"{value:f}"
    return f"{text} {currency}" if currency else text


def amount_text(amount: Decimal | None, currency: str | None = None, *, missing: str = "") -> str:
    """ "991.91 USD" for 991.91395: grouped, exactly two decimals (the window's lists)."""
    if amount is None:
        return missing
    if not amount.is_finite():
        return format_money(amount, currency, grouping=True)
    return format_money(amount.quantize(_CENTS, rounding=ROUND_HALF_UP), currency, grouping=True)
