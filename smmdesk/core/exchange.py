"""Amounts of several currencies as one: the reseller's exchange rates (Settings).

Each panel keeps its own currency; totals across panels need a rate per currency, set by
the reseller (``Settings.exchange_rates``: what 1 unit is worth in ``report_currency``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from smmdesk.core.settings import Settings


@dataclass(frozen=True)
class Exchange:
    target: str = "USD"
    rates: Mapping[str, Decimal] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> Exchange:
        return cls(settings.report_currency, dict(settings.exchange_rates))

    def convert(self, amount: Decimal, currency: str | None) -> Decimal | None:
        """``amount`` of ``currency`` in the target currency; None without a rate for it.
        An amount with no currency is taken as already in the target currency."""
        if currency is None or currency.upper() == self.target:
            return amount
        rate = self.rates.get(currency.upper())
        return None if rate is None else amount * rate
