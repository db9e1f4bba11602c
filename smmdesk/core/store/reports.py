"""Spend, sales, profit and order counts, by panel, day, week, month, customer or service.

Counted: orders a panel has (placed or tracked); not orders refused or of unknown outcome.
Per order: spent = the panel's charge (what it reports, partials and refunds included; the
expected cost until it reports one); sales = the sale price (0 for an order Canceled or
Failed: the customer gets the money back); profit = sales - spent over the orders that have
a sale price (``priced``). Days, weeks (ISO, "2026-W05") and months are UTC. One row per
key and currency; with an Exchange every amount it can convert is in its target currency.

A sale price is in the order's currency (the panel's). Sums are exact Decimals, read with
one indexed scan of the date range.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlite_utils import Database

from smmdesk.core.errors import RequestRefused
from smmdesk.core.exchange import Exchange
from smmdesk.core.store.sql import day_start_text, parse_time, sql_in
from smmdesk.core.vocabulary import OrderState
from smmdesk.protocol import CANCELED, FAILED

REPORT_BY = ("panel", "day", "week", "month", "customer", "service")
_KEYS = {
    "panel": "p.name",
    "day": "substr(o.created_at, 1, 10)",
    "week": "substr(o.created_at, 1, 10)",
    "month": "substr(o.created_at, 1, 7)",
    "customer": "o.reference",
    "service": "p.name || ':' || coalesce(o.service_id, '')",
}
_ZERO = Decimal(0)
_NO_SALE = (CANCELED, FAILED)


@dataclass
class ReportRow:
    key: str | None  # panel name, "2026-05-01", "2026-W18", "2026-05", customer, "panel:id"
    currency: str | None
    orders: int = 0
    spent: Decimal = _ZERO
    sales: Decimal = _ZERO
    profit: Decimal = _ZERO
    priced: int = 0  # orders with a sale price
    name: str | None = None  # the service's name (by service)


@dataclass(frozen=True)
class BalancePoint:
    panel: str
    amount: Decimal
    currency: str
    at: datetime


def report(
    db: Database,
    by: str,
    *,
    since: date | None = None,
    until: date | None = None,
    exchange: Exchange | None = None,
) -> list[ReportRow]:
    """The report rows, by key then currency (days, weeks and months in time order)."""
    if by not in REPORT_BY:
        raise RequestRefused(f"A report is by {', '.join(REPORT_BY)}; not by {by!r}.")
    if since and until and until < since:
        raise RequestRefused("The report's end date is before its start date. Swap them.")
    where: list[str] = [f"o.state IN {sql_in(OrderState.PLACED, OrderState.TRACKED)}"]
    params: list[object] = []
    if since:
        where.append("o.created_at >= ?")
        params.append(day_start_text(since))
    if until:
        where.append("o.created_at < ?")
        params.append(day_start_text(until + timedelta(days=1)))
    rows = db.execute(
        f"SELECT {_KEYS[by]}, coalesce(o.currency, p.currency), "
        "coalesce(o.charge, o.expected_cost, '0'), o.sale_price, o.status, o.service_name "
        "FROM orders o JOIN panels p ON p.id = o.panel_id "
        f"WHERE {' AND '.join(where)}",
        params,
    )
    found: dict[tuple[str | None, str | None], ReportRow] = {}
    money: dict[str, Decimal] = {}  # amounts repeat: each text is read once
    for key, currency, cost_text, sale, status, name in rows:
        cost = money.get(cost_text)
        if cost is None:
            cost = money[cost_text] = Decimal(cost_text)
        row = found.get((key, currency))
        if row is None:
            row = found[(key, currency)] = ReportRow(key, currency, name=name)
        row.orders += 1
        row.spent += cost
        if sale is not None:
            price = money.get(sale)
            if price is None:
                price = money[sale] = Decimal(sale)
            if status in _NO_SALE:
                price = _ZERO
            row.sales += price
            row.profit += price - cost
            row.priced += 1
    return sorted(_regrouped(by, found.values(), exchange), key=_order(by))


def _regrouped(
    by: str, rows: Iterable[ReportRow], exchange: Exchange | None
) -> Iterable[ReportRow]:
    """Days summed into ISO weeks (by week); amounts converted (with an exchange rate)."""
    if by != "week" and exchange is None:
        return rows
    merged: dict[tuple[str | None, str | None], ReportRow] = {}
    for row in rows:
        key, currency, spent, sales, profit = (
            row.key,
            row.currency,
            row.spent,
            row.sales,
            row.profit,
        )
        if by == "week" and key is not None:
            key = _iso_week(key)
        rate = None if exchange is None else exchange.convert(Decimal(1), currency)
        if rate is not None and exchange is not None:  # without a rate: its own currency
            spent, sales, profit = spent * rate, sales * rate, profit * rate
            currency = exchange.target
        into = merged.get((key, currency))
        if into is None:
            into = merged[(key, currency)] = ReportRow(key, currency, name=row.name)
        into.orders += row.orders
        into.priced += row.priced
        into.spent += spent
        into.sales += sales
        into.profit += profit
    return merged.values()


def balance_history(
    db: Database, *, panel_id: int | None = None, since: date | None = None
) -> list[BalancePoint]:
    """Every balance the panels reported (each change once), oldest first."""
    where: list[str] = ["1"]
    params: list[object] = []
    if panel_id is not None:
        where.append("b.panel_id = ?")
        params.append(panel_id)
    if since is not None:
        where.append("b.at >= ?")
        params.append(day_start_text(since))
    rows = db.execute(
        "SELECT p.name, b.amount, b.currency, b.at FROM balance_history b "
        f"JOIN panels p ON p.id = b.panel_id WHERE {' AND '.join(where)} ORDER BY b.at, b.id",
        params,
    )
    return [BalancePoint(r[0], Decimal(r[1]), r[2], parse_time(r[3])) for r in rows]


def _iso_week(day: str) -> str:
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def _order(by: str) -> Callable[[ReportRow], tuple[object, ...]]:
    if by in ("day", "week", "month"):
        return lambda row: (row.key or "", row.currency or "")
    return lambda row: (-row.spent, (row.key or "").casefold(), row.currency or "")
