"""Notifications: a refresh that finishes orders (completed, partial, canceled) notifies once
with what happened; a balance falling under the threshold warns once; the views hear which
orders changed; the status bar shows the refresh time."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from smmdesk.core.refresh import Changes
from smmdesk.protocol import CANCELED, COMPLETED, PARTIAL
from smmdesk.ui.shell.notify import orders_message
from tests.helpers.gui import close_window, open_window, wait_for


@pytest.fixture
def window(gui_desk: Any, qtbot: Any) -> Any:
    wait_for(gui_desk.catalog("demo"), qtbot)
    win = open_window(gui_desk, qtbot)
    yield win
    close_window(win, qtbot)


def place(desk: Any, qtbot: Any, link: str) -> int:
    values = {"link": f"https://instagram.com/p/{link}", "quantity": "100"}
    return wait_for(desk.place_order("demo", "2", values), qtbot).order.id


def test_a_refresh_that_finishes_orders_notifies(
    window: Any, gui_desk: Any, demo_panel: Any, qtbot: Any
) -> None:
    ids = [place(gui_desk, qtbot, link) for link in ("a#complete", "b#partial", "c#cancel")]
    demo_panel.advance(24 * 60)
    changed: list[list[int]] = []
    window.events.orders_changed.connect(changed.append)
    with qtbot.waitSignal(window.notifier.notified, timeout=10_000) as told:
        window.refresher.refresh_now()
    title, text = told.args
    assert title == "Orders finished"
    assert text.startswith("3 orders finished:")
    assert "1 completed" in text and "1 came back partial" in text and "1 canceled" in text
    # the views are told of each order (in however many coalesced signals)
    qtbot.waitUntil(lambda: set(ids) <= {order_id for batch in changed for order_id in batch})
    assert window.status.refresh_label.text().startswith("Last refresh ")
    assert text in window.status.currentMessage()

    told_again: list[Any] = []
    window.notifier.notified.connect(lambda *args: told_again.append(args))
    window.refresher.refresh_now()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=10_000)
    assert told_again == []  # final orders are not polled again: nothing new to say


def test_one_finished_order_is_named(window: Any, gui_desk: Any, demo_panel: Any, qtbot: Any):
    order_id = place(gui_desk, qtbot, "solo#complete")
    demo_panel.advance(24 * 60)
    with qtbot.waitSignal(window.notifier.notified, timeout=10_000) as told:
        window.refresher.refresh_now()
    assert told.args[1] == f"Order #{order_id} (Instagram Likes [Fast]) completed."


def test_notifications_can_be_switched_off(window: Any) -> None:
    window.notifier.set_settings(window.settings.update(notify_orders=False))
    said: list[Any] = []
    window.notifier.notified.connect(lambda *args: said.append(args))
    window.events.refresh_finished.emit(Changes(finished={1: COMPLETED}))
    assert said == []


def test_a_low_balance_warns_once(window: Any, demo_panel: Any, qtbot: Any) -> None:
    window.apply_settings(window.settings.update(balance_threshold=Decimal("100")))
    said: list[tuple[str, str]] = []
    window.notifier.notified.connect(lambda *args: said.append(args))
    demo_panel.set_balance("40")
    window.refresher.refresh_now()
    qtbot.waitUntil(lambda: bool(said), timeout=10_000)
    assert said[0][0] == "Low balance"
    assert "The balance of demo is 40.00 USD, under your threshold of 100" in said[0][1]
    window.refresher.refresh_now()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=10_000)
    assert len(said) == 1  # still low: not said again
    demo_panel.set_balance("500")
    window.refresher.refresh_now()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=10_000)
    demo_panel.set_balance("10")
    window.refresher.refresh_now()
    qtbot.waitUntil(lambda: len(said) == 2, timeout=10_000)  # fell under it again


def test_orders_message_sentences() -> None:
    assert orders_message({3: PARTIAL}) == "Order #3 came back partial."
    text = orders_message({1: COMPLETED, 2: COMPLETED, 3: CANCELED})
    assert text == "3 orders finished: 2 completed, 1 canceled."
