"""Placing orders from the form, end to end against the demo panel: the confirmation, the
order on the panel, one click = one order, a refused subscription and tracking the order
placed on the panel's site instead."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from smmdesk.core import store
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.jobs import Jobs
from smmdesk.ui.orderform.form import OrderForm
from tests.helpers.gui import click_button, confirm_order, wait_box, wait_for

LINK = "https://instagram.com/p/CxGuiTest"


@pytest.fixture
def parts(gui_desk: Any, qtbot: Any) -> tuple[OrderForm, DeskEvents, Jobs]:
    catalog = {s.id: s for s in wait_for(gui_desk.catalog("demo"), qtbot)}
    events, jobs = DeskEvents(gui_desk), Jobs()
    form = OrderForm(gui_desk, events, jobs)
    form.catalog = catalog  # type: ignore[attr-defined]
    qtbot.addWidget(form)
    form.show()
    yield form, events, jobs
    qtbot.waitUntil(lambda: not jobs.busy, timeout=10_000)


def test_placing_an_order_end_to_end(parts: Any, demo_panel: Any, qtbot: Any) -> None:
    form, events, jobs = parts
    form.set_service("demo", form.catalog["1"])
    form.set_value("link", LINK)
    form.set_value("quantity", "1500")
    form.ask_to_place()
    box = wait_box(form, "confirmOrder", qtbot)
    details = box.informativeText()
    assert "Service: 1 · Instagram Followers" in details
    assert f"Link: {LINK}" in details
    assert "Quantity: 1,500" in details
    assert "Cost: 1.35 USD" in details
    assert "Balance after: 998.65 USD" in details
    assert demo_panel.orders() == []  # nothing is sent before the confirmation

    with qtbot.waitSignal(events.orders_added, timeout=10_000) as added:
        click_button(box, "Place order")
    [order] = demo_panel.orders()
    assert order["link"] == LINK and order["quantity"] == 1500 and order["service"] == "1"
    local = store.get_order(form._desk.db, added.args[0][0])
    assert local.remote_id == order["id"] and local.state == "placed"
    assert form.editors["link"].text() == ""  # cleared: never sent twice by mistake
    qtbot.waitUntil(lambda: not jobs.busy, timeout=10_000)
    assert form._desk.panel("demo").balance == Decimal("998.65")


def test_one_click_is_one_order(parts: Any, demo_panel: Any, qtbot: Any) -> None:
    form, events, _jobs = parts
    form.set_service("demo", form.catalog["2"])
    form.set_value("link", LINK)
    form.set_value("quantity", "100")
    with qtbot.waitSignal(events.orders_added, timeout=10_000):
        confirm_order(form, qtbot)
        assert not form.place_button.isEnabled()  # off until the panel answered
        form.place()  # a second click while it is out: nothing
        form.ask_to_place()
    assert len(demo_panel.orders()) == 1


def test_a_refused_order_shows_the_panel_words_and_stays_recorded(
    parts: Any, demo_panel: Any, qtbot: Any
) -> None:
    form, events, _jobs = parts
    demo_panel.set_balance("0.01")
    form.set_service("demo", form.catalog["2"])
    form.set_value("link", LINK)
    form.set_value("quantity", "1000")
    with qtbot.waitSignal(events.orders_added, timeout=10_000) as added:
        confirm_order(form, qtbot)
    box = wait_box(form, "errorBox", qtbot)
    assert "balance on this panel is too low" in box.text()
    failed = store.get_order(form._desk.db, added.args[0][0])
    assert failed.state == "failed"
    assert form.editors["link"].text() == LINK  # kept, to try again after adding funds
    box.close()


def test_refused_subscription_then_track_the_site_order(
    parts: Any, demo_panel: Any, qtbot: Any
) -> None:
    form, events, _jobs = parts
    form.set_service("demo", form.catalog["9"])
    for name, text in {"username": "sunrise", "min": "10", "max": "20", "delay": "0"}.items():
        form.set_value(name, text)
    confirm_order(form, qtbot)
    box = wait_box(form, "errorBox", qtbot)
    assert "does not create subscriptions through its API" in box.text()
    box.close()
    assert form.track_button.isVisibleTo(form)  # the form now says so up front
    assert form._desk.panel("demo").refuses_subscriptions
    events.flush()  # the refused order the Desk recorded, told now (not the tracked one)

    site_id = demo_panel.place_on_site(
        "9", {"username": "sunrise", "min": "10", "max": "20", "delay": "0"}
    )
    dialog = form.open_track_dialog()
    dialog.ids.setText(site_id)
    with qtbot.waitSignal(events.orders_added, timeout=10_000) as added:
        dialog.track()
    tracked = store.get_order(form._desk.db, added.args[0][0])
    assert tracked.remote_id == site_id and tracked.state == "tracked"
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    from smmdesk.ui.orders.columns import COLUMNS

    texts = {c.title: c.text(tracked) for c in COLUMNS}
    assert texts["Service"] == "Placed on the panel's site (tracked by id)"  # not blank
    assert texts["Link"] == "—"

    again = form.open_track_dialog()  # the same id again: said so, nothing sent
    again.ids.setText(site_id)
    demo_panel.reset_counters()
    again.track()
    assert again.isVisible() and not _jobs.busy
    assert f"followed already, as #{tracked.id}" in again.problem.text()
    assert sum(demo_panel.requests.values()) == 0
    again.close()


def test_an_id_that_is_no_order_id_is_not_sent(parts: Any, demo_panel: Any) -> None:
    form, _events, jobs = parts
    dialog = form.open_track_dialog()
    dialog.ids.setText("abc, 23512")
    demo_panel.reset_counters()
    dialog.track()
    assert "“abc” is not an order id" in dialog.problem.text() and dialog.isVisible()
    assert not jobs.busy and sum(demo_panel.requests.values()) == 0
    dialog.close()


def test_tracking_an_unknown_id_says_so(parts: Any, qtbot: Any) -> None:
    form, _events, jobs = parts
    form.set_service("demo", form.catalog["1"])
    dialog = form.open_track_dialog()
    dialog.ids.setText("999999")
    dialog.track()
    qtbot.waitUntil(lambda: not jobs.busy, timeout=10_000)
    box = wait_box(None, "errorBox", qtbot)
    assert "999999" in box.text()
    box.close()


def test_an_order_costing_more_than_the_balance_is_flagged_and_not_the_default(
    parts: Any, demo_panel: Any, qtbot: Any
) -> None:
    form, _events, _jobs = parts
    panel = form._desk.panel("demo")
    store.set_balance(form._desk.db, panel.id, Decimal("1.00"), "USD")  # nearly spent
    form.set_service("demo", form.catalog["1"])
    form.set_value("link", LINK)
    form.set_value("quantity", "1500")  # 1.35 USD
    assert form.after_value.text() == "-0.35 USD"
    form.ask_to_place()
    box = wait_box(form, "confirmOrder", qtbot)
    assert "more than the last known balance" in box.informativeText()
    assert box.icon() == box.Icon.Warning
    assert box.defaultButton().text().replace("&", "") == "Cancel"  # Enter does not overspend
    box.defaultButton().click()
    assert demo_panel.orders() == []


def test_a_subscription_confirmation_names_the_username(
    parts: Any, demo_panel: Any, qtbot: Any
) -> None:
    form, _events, _jobs = parts
    form.set_service("demo", form.catalog["9"])
    for name, value in {"username": "mychannel", "min": "10", "max": "20", "delay": "0"}.items():
        form.set_value(name, value)
    form.ask_to_place()
    box = wait_box(form, "confirmOrder", qtbot)
    assert "Username: mychannel" in box.informativeText()
    assert "Link:" not in box.informativeText()
    box.defaultButton().click()
