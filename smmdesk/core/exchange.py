"""Amounts of several currencies as one: the reseller's exchange rates (Settings).

Each panel keeps its own currency; totals across panels need a rate per currency, set by
the reseller (``Settings.exchange_rates``: what 1 unit is worth in ``report_currency``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from smmdesk.core.errors import SettingRefused
from smmdesk.core.i18n import _
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


def rates_text(rates: Mapping[str, Decimal]) -> str:
    """Rates as the reseller types them: "EUR=1.08, GBP=1.27"."""
    return ", ".join(f"{code}={rate}" for code, rate in rates.items())


def parse_rates_text(text: str) -> dict[str, str]:
    """ "EUR=1.08, GBP=1.27" as {"EUR": "1.08", ...} (Settings.update checks the values);
    ConfigError for a part that is not CODE=RATE."""
    rates = {}
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        code, equals, rate = part.partition("=")
        if not equals or not code.strip():
            # Translators: CODE=RATE is the form to write, as it is ("EUR=1.08").
            message = _('"{text}" is not an exchange rate. Write CODE=RATE, like EUR=1.08.')
            raise SettingRefused(message.format(text=part.strip()))
        rates[code.strip()] = rate.strip()
    return rates
