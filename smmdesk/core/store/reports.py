"""Spend, sales, profit and order counts, by panel, day, week, month, customer or service.

Counted: orders a panel has (placed or tracked); not orders refused or of unknown outcome.
Per order: spent = the panel's charge (what it reports, partials and refunds included; the
expected cost until it reports one); sales = the sale price (0 for an order Canceled or
Failed: the customer gets the money back); profit = sales - spent over the orders that have
a sale price (``priced``). Days, weeks (ISO, "2026-W05") and months are UTC. One row per
key and currency; with an Exchange every amount it can convert is in its target currency.

A sale price is in the order's currency (the panel's). Sums are exact Decimals, read from
the running sums triggers keep (smmdesk.core.store.report_sums: a few thousand rows for a
million orders); orders those leave out are read one by one. By service, a row's name is
one its orders gave (over all time: the latest order's).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlite_utils import Database

from smmdesk.core.errors import RequestRefused
from smmdesk.core.exchange import Exchange
from smmdesk.core.i18n import _
from smmdesk.core.store import report_sums
from smmdesk.core.store.sql import day_start_text, parse_time
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
        raise RequestRefused(
            _("A report is by {choices}; not by {wrong}.").format(
                choices=", ".join(REPORT_BY), wrong=repr(by)
            )
        )
    if since and until and until < since:
        raise RequestRefused(_("The report's end date is before its start date. Swap them."))
    found: dict[tuple[str | None, str | None], ReportRow] = {}
    try:
        _add_sums(db, by, since, until, found)
    except _Inexact:  # a sum overflowed (see report_sums): every order is read instead
        found.clear()
        _add_orders(db, by, found, _range(since, until + _DAY if until else None))
    rows = (row for row in found.values() if row.orders)
    return sorted(_regrouped(by, rows, exchange), key=_order(by))


_DAY = timedelta(days=1)
_TABLE = {"customer": "report_customers", "service": "report_services"}
# by -> the key over the summary table's rows r
_SUM_KEYS = {
    "panel": "p.name",
    "day": "r.day",
    "week": "r.day",
    "month": "substr(r.day, 1, 7)",
    "customer": "r.customer",
    "service": "p.name || ':' || r.service",
}


class _Inexact(Exception):
    """A running sum is no longer an exact integer."""


def _add_sums(
    db: Database,
    by: str,
    since: date | None,
    until: date | None,
    found: dict[tuple[str | None, str | None], ReportRow],
) -> None:
    """Into ``found``: the running sums over the days (or whole months) between ``since``
    and ``until``, the orders they leave out (amounts they cannot hold exactly; the days
    of a month partly in the range) read one by one."""
    end = until + _DAY if until else None  # exclusive
    table = _TABLE.get(by, "report_days")
    if by == "customer" and since is None and until is None:
        table = "report_customer_totals"
    first, stop = since, end  # what the sums cover: [first, stop)
    if table in ("report_customers", "report_services"):  # per month: whole months only
        if first is not None and first.day != 1:
            first = _next_month(first)
        if stop is not None:
            stop = stop.replace(day=1)
        if first is not None and stop is not None and stop <= first:
            _add_orders(db, by, found, _range(since, end))  # within one month
            return
        if since is not None and first != since:
            _add_orders(db, by, found, _range(since, first))
        if end is not None and stop != end:
            _add_orders(db, by, found, _range(stop, end))
    unit = "r.day" if table == "report_days" else "r.month"  # (no range for the totals)
    where, params = ["1"], []
    if first is not None:
        where.append(f"{unit} >= ?")
        params.append(first.isoformat()[: 10 if table == "report_days" else 7])
    if stop is not None:
        where.append(f"{unit} < ?")
        params.append(stop.isoformat()[: 10 if table == "report_days" else 7])
    key = _SUM_KEYS[by]
    name = ", r.name, max(r.month)" if by == "service" else ""
    sums = ", ".join(f"sum(r.{column})" for column in report_sums.SUMS)
    currency = "CASE WHEN r.currency = '' THEN p.currency ELSE substr(r.currency, 2) END"
    try:
        rows = db.execute(
            f"SELECT {key}, {currency}, {sums}{name} FROM {table} r "
            f"JOIN panels p ON p.id = r.panel_id WHERE {' AND '.join(where)} "
            f"GROUP BY {key}, r.panel_id, r.currency HAVING sum(r.orders) > 0",
            params,
        ).fetchall()
    except sqlite3.OperationalError as exc:
        if "overflow" in str(exc):
            raise _Inexact from exc
        raise
    for key_value, currency_value, *figures in rows:
        counts = figures[: len(report_sums.SUMS)]
        if any(type(figure) is not int for figure in counts):
            raise _Inexact
        orders, priced, spent_hi, spent_lo, sales_hi, sales_lo, profit_hi, profit_lo = counts
        if by == "customer":
            key_value = report_sums.key_value(key_value)
        row = found.get((key_value, currency_value))
        if row is None:
            label = figures[-2] if by == "service" else None
            row = found[(key_value, currency_value)] = ReportRow(
                key_value, currency_value, name=label
            )
        row.orders += orders
        row.priced += priced
        row.spent += report_sums.exact(spent_hi, spent_lo)
        row.sales += report_sums.exact(sales_hi, sales_lo)
        row.profit += report_sums.exact(profit_hi, profit_lo)
    odd = _range(first, stop)
    odd = (f"o.id IN (SELECT order_id FROM report_odd) AND {odd[0]}", odd[1])
    _add_orders(db, by, found, odd)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _range(first: date | None, stop: date | None) -> tuple[str, list[object]]:
    """SQL over ``orders o``: created on or after ``first``, before ``stop``."""
    where: list[str] = ["1"]
    params: list[object] = []
    if first is not None:
        where.append("o.created_at >= ?")
        params.append(day_start_text(first))
    if stop is not None:
        where.append("o.created_at < ?")
        params.append(day_start_text(stop))
    return " AND ".join(where), params


def _add_orders(
    db: Database,
    by: str,
    found: dict[tuple[str | None, str | None], ReportRow],
    where: tuple[str, list[object]],
) -> None:
    """Into ``found``: the orders matching ``where`` (SQL over ``orders o``), read one by
    one as exact Decimals."""
    rows = db.execute(
        f"SELECT {_KEYS[by]}, coalesce(o.currency, p.currency), "
        "coalesce(o.charge, o.expected_cost, '0'), o.sale_price, o.status, o.service_name "
        "FROM orders o JOIN panels p ON p.id = o.panel_id "
        f"WHERE o.state IN {report_sums.COUNTED} AND {where[0]}",
        where[1],
    )
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
