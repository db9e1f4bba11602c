"""Defects a reseller met on the real path (issue "the window a reseller would pay for"),
each checked as they would: through the main window over the demo panel."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from smmdesk.ui.importwizard import ImportWizard
from tests.helpers.gui import close_window, open_window, wait_for


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
