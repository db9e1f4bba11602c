"""Profit and the business in the core: sale prices (form, import), markups, exchange
rates, reports over a date range, balance history, orders that need attention."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from smmdesk.core import store
from smmdesk.core.api.models import OrderStatus
from smmdesk.core.attention import Action, needs_attention
from smmdesk.core.errors import ConfigError, ValidationError
from smmdesk.core.exchange import Exchange
from smmdesk.core.importer import read_order_file
from smmdesk.core.importer.submit import submit
from smmdesk.core.importer.validate import validate
from smmdesk.core.settings import Settings
from smmdesk.core.store.reports import balance_history, report
from smmdesk.core.store.sales import (
    add_markup,
    list_customers,
    markup_rules,
    parse_sale_price,
    set_sale,
    suggest_sale_price,
)
from smmdesk.protocol import CANCELED, COMPLETED, IN_PROGRESS


@pytest.mark.parametrize(
    ("text", "amount"), [("5", "5"), (" 5.00 ", "5.00"), ("5,50", "5.50"), ("", None)]
)
def test_sale_prices_are_money(text: str, amount: str | None) -> None:
    assert parse_sale_price(text) == (None if amount is None else Decimal(amount))


@pytest.mark.parametrize("text", ["five", "-1", "NaN", "Infinity", "1.2.3", "1e400"])
def test_a_sale_price_that_is_not_money_is_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="not an amount of money"):
        parse_sale_price(text)


def test_markup_rules_suggest_the_most_specific_price(db: Any, make_service: Any) -> None:
    panel = store.add_panel(db, "Main", "https://main.example/api/v2")
    followers = make_service("1", category="Instagram Followers")
    likes = make_service("2", category="Instagram Likes")
    assert suggest_sale_price(db, panel.id, followers, Decimal("0.90"), 1000) is None
    add_markup(db, "percent", "50")
    add_markup(db, "per1000", "2.00", panel_id=panel.id, category="instagram followers")
    add_markup(db, "percent", "100", panel_id=panel.id, service_id="1")
    assert suggest_sale_price(db, panel.id, followers, Decimal("0.90"), 1000) == Decimal("1.80")
    assert suggest_sale_price(db, panel.id, likes, Decimal("0.35"), 1000) == Decimal("0.53")
    add_markup(db, "percent", "10")  # replaces the rule for all
    assert len(markup_rules(db)) == 3
    for kind, value in (("percent", "-5"), ("per1000", "lots"), ("double", "2")):
        with pytest.raises(ConfigError):
            add_markup(db, kind, value)
    assert len(markup_rules(db)) == 3


def test_exchange_rates_are_checked_and_kept(tmp_path: Any) -> None:
    settings = Settings.load(tmp_path)
    for bad in ({"EUR": "0"}, {"EUR": "-1"}, {"EUR": "abc"}, {"€€€€€€€€€": "1"}, "EUR=1"):
        with pytest.raises(ConfigError):
            settings.update(exchange_rates=bad)
    settings.update(exchange_rates={"eur": "1.08"}, report_currency="usd").save()
    again = Settings.load(tmp_path)
    assert again.exchange_rates == {"EUR": Decimal("1.08")} and again.report_currency == "USD"
    exchange = Exchange.from_settings(again)
    assert exchange.convert(Decimal(10), "EUR") == Decimal("10.80")
    assert exchange.convert(Decimal(10), "RUB") is None


def _order(db, panel, service, *, at, charge=None, sale=None, status=None, customer=None):
    order = store.record_sending(
        db, panel.id, service, {"link": "x", "quantity": "1000"},
        expected_cost=Decimal("0.90"), currency="USD", sale_price=sale, reference=customer,
        at=at,
    )  # fmt: skip
    remote = f"r{order.id}"
    store.mark_placed(db, order.id, remote)
    if status is not None:
        answer = OrderStatus(status, status, None if charge is None else Decimal(charge))
        store.apply_statuses(db, panel.id, {remote: answer}, at=at + timedelta(hours=1))
    return store.get_order(db, order.id)


def test_reports_count_what_panels_charged_and_customers_paid(db: Any, make_service: Any) -> None:
    panel = store.add_panel(db, "Main", "https://main.example/api/v2")
    service = make_service("1")
    may, june = datetime(2026, 5, 31, 23, tzinfo=UTC), datetime(2026, 6, 1, 1, tzinfo=UTC)
    _order(db, panel, service, at=may, charge="0.90", sale=Decimal("2"), status=COMPLETED,
           customer="Ann")  # fmt: skip
    _order(db, panel, service, at=june, charge="0", sale=Decimal("2"), status=CANCELED,
           customer="Ann")  # fmt: skip
    _order(db, panel, service, at=june, customer="Bob")  # no charge yet: the expected cost
    failed = store.record_sending(db, panel.id, service, {"link": "x"}, at=june)
    store.mark_failed(db, failed.id, "Not enough funds")
    rows = {r.key: r for r in report(db, "month")}
    assert (rows["2026-05"].spent, rows["2026-05"].sales, rows["2026-05"].profit) == (
        Decimal("0.90"), Decimal(2), Decimal("1.10"),
    )  # fmt: skip
    assert rows["2026-06"].orders == 2 and rows["2026-06"].sales == 0
    assert rows["2026-06"].spent == Decimal("0.90") and rows["2026-06"].priced == 1
    assert [r.key for r in report(db, "day", since=date(2026, 6, 1))] == ["2026-06-01"]
    assert [r.key for r in report(db, "week", until=date(2026, 5, 31))] == ["2026-W22"]
    assert {r.key: r.orders for r in report(db, "customer")} == {"Ann": 2, "Bob": 1}
    with pytest.raises(ConfigError, match="before its start"):
        report(db, "day", since=date(2026, 6, 2), until=date(2026, 6, 1))
    with pytest.raises(ConfigError):
        report(db, "year")


def test_report_sums_are_exact_whatever_the_places(db: Any, make_service: Any) -> None:
    panel = store.add_panel(db, "Main", "https://main.example/api/v2")
    service = make_service("1")
    at = datetime(2026, 6, 1, 1, tzinfo=UTC)
    charges = ["0.1", "0.2", "0.30000", "123456789.123456", "0.0000001"]  # the last: 7 places
    for charge in charges:
        _order(db, panel, service, at=at, charge=charge, sale=Decimal("0.1"), status=COMPLETED)
    [row] = report(db, "panel")
    assert row.spent == sum(Decimal(c) for c in charges)  # never 0.30000000000000004
    assert row.sales == Decimal("0.5") and row.orders == 5 and row.priced == 5
    assert row.profit == Decimal("0.5") - row.spent


def test_sale_price_and_customer_set_later(db: Any, make_service: Any) -> None:
    panel = store.add_panel(db, "Main", "https://main.example/api/v2")
    order = _order(db, panel, make_service("1"), at=datetime.now(UTC))
    changed = set_sale(db, order.id, sale_price=Decimal("3.50"), customer="  Carol  Shop ")
    assert (changed.sale_price, changed.reference) == (Decimal("3.50"), "Carol Shop")
    assert list_customers(db) == ["Carol Shop"]
    assert store.order_events(db, order.id)[-1].note == "Set sale price 3.50, customer Carol Shop"
    cleared = set_sale(db, order.id, clear_price=True)
    assert cleared.sale_price is None and cleared.reference == "Carol Shop"


def test_balance_history_keeps_each_change_once(db: Any) -> None:
    panel = store.add_panel(db, "Main", "https://main.example/api/v2")
    for amount in ("10", "10", "8.50", "8.50", "20"):
        store.set_balance(db, panel.id, Decimal(amount), "USD")
    assert [p.amount for p in balance_history(db)] == [10, Decimal("8.50"), 20]
    assert store.get_panel(db, "Main").balance == 20


def test_slow_orders_need_attention_after_twice_their_usual_time(
    db: Any, make_service: Any
) -> None:
    panel = store.add_panel(db, "Main", "https://main.example/api/v2")
    store.set_balance(db, panel.id, Decimal("1000"), "USD")
    service = make_service("1", cancel=True)
    other = make_service("2", extra={"average_time": "30"})  # minutes, by the panel
    store.save_catalog(db, panel.id, [service, other])
    start = datetime.now(UTC) - timedelta(days=2)
    for _ in range(3):  # completed in 1 hour each
        _order(db, panel, service, at=start, charge="0.9", status=COMPLETED)
    now = datetime.now(UTC)
    open_one = _order(db, panel, service, at=now, status=IN_PROGRESS)
    by_panel = _order(db, panel, other, at=now, status=IN_PROGRESS)
    assert needs_attention(db, at=now + timedelta(minutes=50)) == []
    found = needs_attention(db, at=now + timedelta(hours=3))
    assert [(a.kind, a.order_id, a.action) for a in found] == [
        ("slow", open_one.id, Action.CANCEL),
        ("slow", by_panel.id, Action.ORDER_ELSEWHERE),
    ]
    assert "usually take 1 h" in found[0].reason or "usually take 60 min" in found[0].reason
    assert "the panel says it takes 30 min" in found[1].reason


def test_an_import_column_carries_the_sale_price(desk: Any, run: Any, demo_panel: Any) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(
        [
            ["service", "link", "quantity", "Sale price", "customer"],
            ["2", "https://ig.com/1", "1000", "1.50", "Ann"],
            ["2", "https://ig.com/2", "1000", "a lot", "Bob"],
            ["2", "https://ig.com/3", "1000", "", ""],
        ]
    )
    file = read_order_file(out.getvalue().encode(), name="shop.csv")
    preview = run(validate(desk, file))
    assert [r.sale_price for r in preview.rows] == [Decimal("1.50"), None, None]
    assert preview.rows[1].error is not None and "not an amount of money" in preview.rows[1].error
    run(submit(desk, preview))
    orders = store.query_orders(desk.db, store.OrderQuery(order_by="id"))
    assert [(o.link, o.sale_price, o.reference) for o in orders] == [
        ("https://ig.com/1", Decimal("1.50"), "Ann"),
        ("https://ig.com/3", None, None),
    ]
    sent = {order["link"]: order["fields"] for order in demo_panel.orders()}
    assert "sale_price" not in sent["https://ig.com/1"]  # never sent to the panel
