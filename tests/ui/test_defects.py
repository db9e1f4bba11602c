"""Defects a reseller met on the real path (issue "the window a reseller would pay for"),
each checked as they would: through the main window over the demo panel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from smmdesk.ui.importing.wizard import ImportWizard
from tests.helpers.gui import close_window, confirm_order, open_window, wait_box, wait_for


@pytest.fixture
def window(gui_desk: Any, demo_panel: Any, qtbot: Any) -> Any:
    # "Aardvark" sorts first: the panel a careless default would pick
    wait_for(gui_desk.add_panel("Aardvark", demo_panel.url, demo_panel.key), qtbot)
    win = open_window(gui_desk, qtbot)
    win.events.panels_changed.emit()
    win.start(refresh=False)
    yield win
    close_window(win, qtbot)


def test_the_import_places_rows_that_name_no_panel_on_the_chosen_panel(
    window: Any, qtbot: Any
) -> None:
    window.panels.select("demo")
    assert window.panels.current_name() == "demo"
    window.actions_by_name["import"].trigger()
    [wizard] = [w for w in window.findChildren(ImportWizard) if w.isVisible()]
    assert wizard.source.panel_box.currentText() == "demo"  # not "Aardvark"
    with qtbot.waitSignal(wizard.previewed, timeout=10_000) as shown:
        wizard.load_text("2|https://instagram.com/p/Imp1|100")
    assert [row.panel for row in shown.args[0].rows] == ["demo"]
    table = wizard.rows.table  # the status column (errors) reaches the right edge, uncut
    header = table.horizontalHeader()
    status = wizard.model.STATUS
    qtbot.waitUntil(lambda: table.viewport().width() > 0)
    assert header.sectionPosition(status) + header.sectionSize(status) >= table.viewport().width()
    wizard.close()


def test_enter_in_the_service_search_orders_the_first_match(window: Any, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: len(window.catalog.model.services()) == 18, timeout=10_000)
    window.activateWindow()
    window.actions_by_name["find_service"].trigger()
    search = window.catalog.search
    qtbot.keyClicks(search, "poll")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert window.form.service is not None and window.form.service.id == "7"  # Poll Votes
    first_field = window.form.editors["link"].focus_widget()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first_field, timeout=2000)
    qtbot.keyClicks(first_field, "https://twitter.com/p/1")  # typing goes to the form
    assert window.form.values()["link"] == "https://twitter.com/p/1"


def test_down_in_the_service_search_goes_to_the_list(window: Any, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: len(window.catalog.model.services()) == 18, timeout=10_000)
    window.activateWindow()
    window.catalog.focus_search()
    qtbot.keyClicks(window.catalog.search, "likes")
    qtbot.keyClick(window.catalog.search, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.catalog.tree, timeout=2000)
    assert window.catalog.current_service() is not None
    assert "like" in window.catalog.current_service().name.lower()


def test_a_passing_message_is_forgotten_when_a_later_job_fails(
    window: Any, demo_panel: Any, qtbot: Any
) -> None:
    qtbot.waitUntil(lambda: len(window.catalog.model.services()) == 18, timeout=10_000)
    window.catalog.select_service("2")
    window.form.set_value("link", "https://instagram.com/p/Msg1")
    window.form.set_value("quantity", "100")
    with qtbot.waitSignal(window.events.orders_added, timeout=10_000):
        confirm_order(window.form, qtbot)
    assert window.status.currentMessage().startswith("Order #")
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=10_000)
    demo_panel.inject("html_502", times=5)
    window.form.set_value("link", "https://instagram.com/p/Msg2")
    window.form.set_value("quantity", "100")
    confirm_order(window.form, qtbot)
    box = wait_box(window.form, "errorBox", qtbot)
    assert window.status.currentMessage() == ""  # not "Order #N placed" any more
    box.close()


def test_the_two_warnings_of_a_panel_look_different(window: Any) -> None:
    from smmdesk.ui.panels.listing import PanelsModel

    model = window.panels.model
    model.set_threshold(Decimal("5000"))  # every balance is low
    model.set_errors({"demo": "The panel did not answer."})
    row = model.row_of("demo")
    failed = model.index(row, PanelsModel.NAME).data(Qt.ItemDataRole.DecorationRole)
    low = model.index(row, PanelsModel.BALANCE).data(Qt.ItemDataRole.DecorationRole)
    assert failed.cacheKey() != low.cacheKey()
    assert failed.pixmap(16).toImage() != low.pixmap(16).toImage()


def test_the_low_balance_warning_being_off_is_said(window: Any) -> None:
    from smmdesk.ui.panels.listing import PanelsModel

    model = window.panels.model
    model.set_threshold(Decimal(0))  # the default
    balance = model.index(0, PanelsModel.BALANCE).data(Qt.ItemDataRole.ToolTipRole)
    assert "low-balance warning is off" in balance and "Settings" in balance
    header = model.headerData(
        PanelsModel.BALANCE, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert "off" in header


def test_the_mass_order_box_goes_through_the_imports_preview(
    window: Any, demo_panel: Any, qtbot: Any
) -> None:
    window.panels.select("demo")
    window.actions_by_name["mass_order"].trigger()
    box = window.mass_order
    assert window.order_tabs.currentWidget() is box
    box.text.setPlainText("2|https://instagram.com/p/Mass1|100\n2|https://instagram.com/p/Mass2|5")
    assert box.count.text() == "2 orders"
    box.check_button.click()
    [wizard] = [w for w in window.findChildren(ImportWizard) if w.isVisible()]
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=10_000)
    rows = wizard.preview.rows
    assert [r.panel for r in rows] == ["demo", "demo"]
    assert rows[0].error is None and "between 10" in (rows[1].error or "")  # 5 < min 10
    assert demo_panel.orders() == []  # checked and shown, not sent
    with qtbot.waitSignal(wizard.import_finished, timeout=10_000):
        wizard.place()
    assert [o["link"] for o in demo_panel.orders()] == ["https://instagram.com/p/Mass1"]
    wizard.close()
