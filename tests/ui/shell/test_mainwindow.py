"""The main window as a whole: its parts wired together (panel -> catalog -> form -> orders),
background refresh with the progress indicator and the last refresh time, menus and
shortcuts, and the layout remembered between runs."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from smmdesk.core import store
from smmdesk.protocol import COMPLETED
from smmdesk.ui.importing.wizard import ImportWizard
from smmdesk.ui.panels.listing import PanelsModel
from tests.helpers.gui import (
    click_button,
    close_window,
    confirm_order,
    open_window,
    wait_box,
    wait_for,
)


@pytest.fixture
def window(gui_desk: Any, qtbot: Any) -> Any:
    win = open_window(gui_desk, qtbot)
    win.start()
    qtbot.waitUntil(lambda: win.refresher.last_refresh is not None, timeout=10_000)
    qtbot.waitUntil(lambda: len(win.catalog.model.services()) == 18, timeout=10_000)
    yield win
    close_window(win, qtbot)


def test_it_opens_on_the_panels_catalog_and_orders(window: Any) -> None:
    from smmdesk.ui.orders import OrdersPane

    assert window.panels.current_name() == "demo"
    assert window.catalog.panel == "demo"
    assert isinstance(window.orders, OrdersPane)
    assert window.pages.currentWidget() is window.orders
    assert window.status.refresh_label.text().startswith("Last refresh ")
    assert not window.status.progress.isVisibleTo(window)  # nothing runs


def test_choosing_a_service_builds_its_form(window: Any) -> None:
    window.catalog.select_service("4")
    assert list(window.form.editors) == ["link", "comments"]
    window.docks["order"].hide()
    window.catalog.order_requested.emit()
    assert window.docks["order"].isVisible()


def test_an_order_placed_in_the_form_shows_in_the_orders_view_and_moves(
    window: Any, demo_panel: Any, qtbot: Any
) -> None:
    window.catalog.select_service("2")
    window.form.set_value("link", "https://instagram.com/p/Cx1#complete")
    window.form.set_value("quantity", "100")
    with qtbot.waitSignal(window.events.orders_added, timeout=10_000) as added:
        confirm_order(window.form, qtbot)
    order_id = added.args[0][0]
    model = window.orders.model
    qtbot.waitUntil(lambda: model.row_of(order_id) is not None, timeout=5000)

    demo_panel.advance(24 * 60)
    seen: list[bool] = []
    window.jobs.busy_changed.connect(
        lambda busy, _what: seen.append(window.status.progress.isVisibleTo(window) and busy)
    )
    with qtbot.waitSignal(window.events.orders_changed, timeout=10_000):
        window.actions_by_name["refresh"].trigger()
    assert True in seen  # the progress indicator showed while the refresh ran
    assert model.order_at(model.row_of(order_id)).status == COMPLETED


def test_menus_and_shortcuts(window: Any) -> None:
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == ["File", "Panels", "Orders", "Business", "View", "Help"]
    actions = window.actions_by_name
    assert QKeySequence("F5") in actions["refresh"].shortcuts()
    assert QKeySequence("Ctrl+Q") in actions["quit"].shortcuts()
    assert QKeySequence("Ctrl+F") in actions["find_service"].shortcuts()
    assert QKeySequence("Ctrl+N") in actions["new_order"].shortcuts()
    assert QKeySequence("Ctrl+Shift+M") in actions["compare"].shortcuts()
    assert QKeySequence("Ctrl+Shift+R") in actions["reports"].shortcuts()
    assert QKeySequence("Ctrl+Shift+A") in actions["attention"].shortcuts()
    orders_menu = window.menuBar().actions()[2].menu()
    for action in window.orders.order_actions.groups()[0]:  # the orders view's own actions
        assert action in orders_menu.actions()
    assert [a.text() for a in orders_menu.actions()].count("Cancel…") == 1
    assert actions["export"].isEnabled()
    actions["export"].trigger()
    exporting = window.orders.order_actions.dialog
    assert exporting is not None and exporting.isVisible()
    exporting.close()
    assert actions["import"].isEnabled()
    actions["import"].trigger()
    [opened] = [w for w in window.findChildren(ImportWizard) if w.isVisible()]
    opened.close()
    actions["find_service"].trigger()
    assert window.catalog.search.hasFocus() or window.focusWidget() is window.catalog.search


def test_track_and_about_open_without_blocking(window: Any, qtbot: Any) -> None:
    dialog = window.track_orders()
    assert dialog.isVisible() and dialog.panel_box.currentText() == "demo"
    dialog.close()
    manager = window.manage_panels()
    assert manager.isVisible() and window.manage_panels() is manager  # one, not one a click
    manager.close()
    window.actions_by_name["about"].trigger()
    box = wait_box(window, "aboutBox", qtbot)
    assert "smmdesk" in box.text()
    click_button(box, "OK")


def test_the_layout_is_remembered(gui_desk: Any, qtbot: Any) -> None:
    first = open_window(gui_desk, qtbot)
    first.resize(780, 590)  # within the offscreen screen (800 x 600)
    first.docks["services"].hide()
    close_window(first, qtbot)

    second = open_window(gui_desk, qtbot)
    try:
        assert not second.docks["services"].isVisible()
        assert second.docks["panels"].isVisible()
        assert (second.width(), second.height()) == (780, 590)
        second.reset_layout()
        assert second.docks["services"].isVisible()
    finally:
        close_window(second, qtbot)
    assert (gui_desk.folder / "window-state.ini").is_file()
    assert "geometry" in (gui_desk.folder / "window-state.ini").read_text()


def test_refresh_errors_are_shown_per_panel(window: Any, demo_panel: Any, qtbot: Any) -> None:
    wait_for(
        window.desk.place_order("demo", "2", {"link": "https://x.example/p", "quantity": "50"}),
        qtbot,
    )
    demo_panel.inject("html_502", times=20)
    window.refresher.refresh_now()
    box = wait_box(window, "errorBox", qtbot)
    assert "Some panels could not be refreshed. demo:" in box.text()
    box.close()
    qtbot.waitUntil(lambda: "demo did not answer" in window.status.refresh_label.text())
    name = window.panels.model.index(0, PanelsModel.NAME)
    assert "Last refresh failed: " in name.data(Qt.ItemDataRole.ToolTipRole)
    assert name.data(Qt.ItemDataRole.DecorationRole) is not None  # a warning icon, not text only


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_webhook_receiver_switched_on_in_the_settings(
    gui_desk: Any, demo_panel: Any, qtbot: Any
) -> None:
    window = open_window(gui_desk, qtbot)
    try:
        settings = window.settings.update(webhook_enabled=True, webhook_port=free_port())
        settings.save()
        window.apply_settings(settings)
        refresher = window.refresher
        qtbot.waitUntil(lambda: refresher.receiver is not None, timeout=5000)
        assert refresher.receiver.serving
        demo_panel.set_webhook(refresher.receiver.url_for("demo"))
        values = {"link": "https://instagram.com/p/CxHook#complete", "quantity": "100"}
        placed = wait_for(gui_desk.place_order("demo", "2", values), qtbot)
        demo_panel.advance(24 * 60)
        heard: list[int] = []
        window.events.orders_changed.connect(heard.extend)
        qtbot.waitUntil(  # the panel posts each change; nobody asks for a refresh
            lambda: store.get_order(gui_desk.db, placed.order.id).status == COMPLETED,
            timeout=10_000,
        )
        qtbot.waitUntil(lambda: placed.order.id in heard)  # told by the Desk's events
        window.apply_settings(settings.update(webhook_enabled=False))
        qtbot.waitUntil(lambda: refresher.receiver is None, timeout=5000)
    finally:
        close_window(window, qtbot)


def test_a_panel_that_hangs_is_named_while_the_refresh_waits(
    window: Any, demo_panel: Any, qtbot: Any
) -> None:
    window.refresher.slow_after_s = 0.5
    demo_panel.latency = 4.0  # the panel takes its time
    window.refresher.refresh_now()
    qtbot.waitUntil(lambda: "waiting for demo" in window.status.busy_label.text(), timeout=10_000)
    demo_panel.latency = 0.0
    qtbot.waitUntil(lambda: not window.status.busy_label.isVisible(), timeout=15_000)
