"""The Business windows in a real main window over two demo panels that sell the same
services under other names: Compare (cheapest first, "Order this on…" carrying the fields,
corrections), the sale price in the form and the order details, Reports with their chart
and CSV, Needs attention with its action, exchange rates in Settings."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from smmdesk.core import store
from smmdesk.core.settings import Settings
from smmdesk.demo.server import DemoPanel
from smmdesk.ui.business.menu import open_attention, open_compare, open_reports
from smmdesk.ui.orders.detail import DetailPane
from smmdesk.ui.shell.settings import SettingsDialog
from tests.helpers.gui import close_window, confirm_order, open_window, wait_box, wait_for

POST = "https://instagram.com/p/Cx1"


@pytest.fixture
def rival() -> Iterator[DemoPanel]:
    with DemoPanel(catalog="rival", clock_speed=0) as panel:
        yield panel


@pytest.fixture
def window(gui_desk: Any, rival: DemoPanel, qtbot: Any) -> Any:
    wait_for(gui_desk.add_panel("rival", rival.url, rival.key), qtbot)
    for name in ("demo", "rival"):
        wait_for(gui_desk.refresh_catalog(name), qtbot)
    win = open_window(gui_desk, qtbot)
    win.start(refresh=False)
    qtbot.waitUntil(lambda: len(win.catalog.model.services()) == 18, timeout=10_000)
    yield win
    close_window(win, qtbot)


def _place(window: Any, qtbot: Any, service: str, link: str, sale: str = "") -> int:
    assert window.catalog.select_service(service)
    window.form.set_value("link", link)
    window.form.set_value("quantity", "1000")
    window.form.set_sale_price_text(sale)
    with qtbot.waitSignal(window.events.orders_added, timeout=10_000) as added:
        confirm_order(window.form, qtbot)
    return added.args[0][0]


def test_compare_shows_the_cheapest_and_orders_it_there_with_the_fields(
    window: Any, qtbot: Any
) -> None:
    window.panels.select("demo")
    window.catalog.select_service("2")
    window.form.set_value("link", POST)
    window.form.set_value("quantity", "2500")
    compare = open_compare(window)
    assert compare.search.text() == "Instagram Likes [Fast]"  # the form's service
    tree = compare.tree
    group = tree.topLevelItem(0)
    assert [group.child(n).text(0) for n in range(group.childCount())] == [
        "rival · cheapest",
        "demo",
    ]
    assert group.child(0).text(2) == "IG Likes | Fast" and group.child(0).text(3) == "0.29 USD"
    tree.setCurrentItem(group.child(0))
    assert compare.order_button.isEnabled()
    compare.order_button.click()
    assert window.catalog.panel == "rival" and window.form.service.id == "103"
    assert window.form.values()["link"] == POST and window.form.values()["quantity"] == "2500"
    compare.set_search("instagram followers real")
    assert tree.topLevelItemCount() == 1 and tree.topLevelItem(0).childCount() == 2
    assert compare.select_offer("rival", "101")
    compare.split_button.click()  # not the same as demo's service 1
    assert [tree.topLevelItem(n).childCount() for n in range(tree.topLevelItemCount())] == [1, 1]
    assert "Price history of rival 101: 0.75" in (
        compare.select_offer("rival", "101") and compare.history.text()
    )


def test_sale_price_in_the_form_details_and_reports(
    window: Any, qtbot: Any, tmp_path: Path
) -> None:
    window.panels.select("demo")
    window.form.set_sale_price_text("ten")
    assert window.catalog.select_service("2")
    window.form.set_value("link", POST)
    window.form.set_value("quantity", "1000")
    window.form.set_sale_price_text("ten")
    assert not window.form.place_button.isEnabled()
    assert "not an amount of money" in window.form.general.text()
    order_id = _place(window, qtbot, "2", POST, sale="1.00")
    order = store.get_order(window.desk.db, order_id)
    assert order.sale_price == Decimal("1.00")

    pane = DetailPane(window.desk)
    qtbot.addWidget(pane)
    pane.show_order(order_id)
    assert "Profit" in pane.browser.toPlainText() and "0.65" in pane.browser.toPlainText()
    pane.sale.price.setText("abc")
    pane.sale.save()
    assert "not an amount of money" in pane.sale.problem.text()
    assert store.get_order(window.desk.db, order_id).sale_price == Decimal("1.00")
    pane.sale.price.setText("2.50")
    pane.sale.customer.setText("Ann")
    pane.sale.save()
    changed = store.get_order(window.desk.db, order_id)
    assert (changed.sale_price, changed.reference) == (Decimal("2.50"), "Ann")

    reports = open_reports(window)
    rows = {reports.table.item(r, 0).text(): r for r in range(reports.table.rowCount())}
    assert len(rows) == 1
    row = next(iter(rows.values()))
    assert reports.table.item(row, 4).text() == "2.15"  # 2.50 - 0.35
    (bars,) = reports.chart.chart().series()  # spent and profit per row
    assert [b.label() for b in bars.barSets()] == ["Spent", "Profit"]
    assert bars.barSets()[1].at(0) == 2.15
    reports.by.setCurrentText("panel")
    assert reports.table.item(0, 0).text() == "demo"
    out = tmp_path / "report.csv"
    assert reports.export(str(out)) == 1
    with out.open(encoding="utf-8-sig", newline="") as handle:
        assert next(iter(csv.DictReader(handle)))["profit"] == "2.15"
    reports.grab().save(str(tmp_path / "reports.png"))


def test_needs_attention_refills_a_partial(window: Any, qtbot: Any, demo_panel: Any) -> None:
    window.panels.select("demo")
    order_id = _place(window, qtbot, "1", f"{POST}#partial")
    demo_panel.advance(600)
    with qtbot.waitSignal(window.refresher.refreshed, timeout=10_000):
        window.refresher.refresh_now()
    attention = open_attention(window)
    assert [(i.kind, i.order_id) for i in attention.items] == [("refillable", order_id)]
    attention.tree.setCurrentItem(attention.tree.topLevelItem(0))
    assert attention.act_button.text() == "Refill"
    attention.act_button.click()
    qtbot.waitUntil(lambda: attention.items == [], timeout=10_000)
    assert "refill" in attention.note.text() and demo_panel.refills()


def test_exchange_rates_in_settings(tmp_path: Path, qtbot: Any) -> None:
    settings = Settings.load(tmp_path)
    dialog = SettingsDialog(settings, [])
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.rates.setText("EUR=0")
    dialog.save()
    box = wait_box(dialog, "errorBox", qtbot)
    assert "more than 0" in box.text() + box.informativeText()
    box.close()
    assert Settings.load(tmp_path).exchange_rates == {}
    dialog.rates.setText("EUR=1.08, gbp=1.27")
    dialog.report_currency.setText("usd")
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    assert Settings.load(tmp_path).exchange_rates == {
        "EUR": Decimal("1.08"),
        "GBP": Decimal("1.27"),
    }


def test_a_price_change_on_an_ordered_service_is_notified(
    window: Any, qtbot: Any, demo_panel: Any
) -> None:
    window.panels.select("demo")
    _place(window, qtbot, "2", POST)
    state = demo_panel.state
    state.services["2"] = replace(state.services["2"], rate_text="0.40")
    with qtbot.waitSignal(window.notifier.notified, timeout=10_000) as told:
        window.catalog.refresh()
    assert told.args[0] == "Prices changed on demo"
    assert "2 Instagram Likes [Fast]: 0.35 -> 0.40" in told.args[1]
    compare = open_compare(window)
    assert compare.tabs.tabText(1) == "Price changes (1)"


def test_a_refusal_for_good_in_the_form_names_the_other_panels(
    window: Any, qtbot: Any, demo_panel: Any
) -> None:
    window.panels.select("demo")
    demo_panel.set_balance("0")
    assert window.catalog.select_service("2")
    window.form.set_value("link", POST)
    window.form.set_value("quantity", "1000")
    with qtbot.waitSignal(window.form.message, timeout=10_000) as said:
        confirm_order(window.form, qtbot)
    wait_box(window, "errorBox", qtbot).close()
    assert "the same service is sold by rival (0.29 USD)" in said.args[0]
