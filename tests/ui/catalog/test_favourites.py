"""Favourites and recently used services: starred with Ctrl+D (or the service's menu),
shown alone with "★ Favourites" / "Recently used", kept per panel across restarts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from smmdesk.ui.catalog.model import NAME
from tests.helpers.gui import close_window, confirm_order, open_window


def shown(window: Any) -> list[str]:
    proxy, found = window.catalog.proxy, []

    def walk(parent: Any) -> None:
        for row in range(proxy.rowCount(parent)):
            index = proxy.index(row, 0, parent)
            service = proxy.service_at(index)
            if service is not None:
                found.append(service.id)
            walk(index)

    from PySide6.QtCore import QModelIndex

    walk(QModelIndex())
    return found


def opened(desk: Any, qtbot: Any) -> Any:
    window = open_window(desk, qtbot)
    window.start(refresh=False)
    qtbot.waitUntil(lambda: len(window.catalog.model.services()) == 18, timeout=10_000)
    window.activateWindow()  # shortcuts go to the active window, as on a user's screen
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    return window


def test_favourites_and_recent_services(gui_desk: Any, qtbot: Any) -> None:
    window = opened(gui_desk, qtbot)
    try:
        catalog = window.catalog
        catalog.select_service("4")
        catalog.tree.setFocus()
        qtbot.keyClick(catalog.tree, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
        assert catalog.favourites() == ["4"]
        star = catalog.model.index_of("4").siblingAtColumn(NAME)
        assert star.data(Qt.ItemDataRole.DecorationRole) is not None
        assert catalog.favourite_action.text() == "Remove from favourites"
        catalog.show_box.setCurrentIndex(1)  # ★ Favourites
        assert shown(window) == ["4"]
        catalog.show_box.setCurrentIndex(0)
        assert len(shown(window)) == 18

        catalog.select_service("2")
        window.form.set_value("link", "https://instagram.com/p/Fav1")
        window.form.set_value("quantity", "100")
        with qtbot.waitSignal(window.events.orders_added, timeout=10_000):
            confirm_order(window.form, qtbot)
        assert catalog.recent() == ["2"]
        catalog.show_box.setCurrentIndex(2)  # Recently used
        assert shown(window) == ["2"]
    finally:
        close_window(window, qtbot)

    again = opened(gui_desk, qtbot)  # remembered for the next start
    try:
        assert again.catalog.favourites() == ["4"] and again.catalog.recent() == ["2"]
        star = again.catalog.model.index_of("4").siblingAtColumn(NAME)
        assert star.data(Qt.ItemDataRole.DecorationRole) is not None
    finally:
        close_window(again, qtbot)
