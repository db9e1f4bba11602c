"""Keyboard and accessibility: every part of the window reachable by keys, every control
named for screen readers, the order form's Tab order following the form."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from tests.helpers.gui import close_window, open_window

NAMED = (QLineEdit, QComboBox, QAbstractItemView, QPlainTextEdit, QAbstractButton)


@pytest.fixture
def window(gui_desk: Any, qtbot: Any) -> Any:
    win = open_window(gui_desk, qtbot)
    win.start(refresh=False)
    qtbot.waitUntil(lambda: len(win.catalog.model.services()) == 18, timeout=10_000)
    win.catalog.select_service("1")
    yield win
    close_window(win, qtbot)


def unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, NAMED) or not widget.isVisibleTo(root):
            continue
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        if isinstance(widget.parentWidget(), QComboBox):  # an editable combo's own line edit
            continue
        text = widget.text() if isinstance(widget, QAbstractButton) else ""
        if not (widget.accessibleName() or text.strip()):
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def test_every_control_has_a_name_for_screen_readers(window: Any) -> None:
    assert unnamed(window) == []


def test_the_order_forms_tab_order_follows_the_form(window: Any) -> None:
    form = window.form
    fields = [editor.focus_widget() for editor in form.editors.values()]
    expected = [*fields, form.reference_edit, form.clear_button, form.place_button]
    widget, seen = fields[0], [fields[0]]
    while len(seen) < len(expected):
        widget = widget.nextInFocusChain()
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(form):
            seen.append(widget)
    assert seen == expected
    assert all(w.accessibleName() for w in fields)  # each field named as its label says


def test_panes_are_reached_by_keys(window: Any, qtbot: Any) -> None:
    window.activateWindow()
    targets = {
        "Ctrl+1": window.panels.table,
        "Ctrl+2": window.catalog.search,
        "Ctrl+3": window.form.editors["link"].focus_widget(),
        "Ctrl+4": window.orders.table,
    }
    for keys, target in targets.items():
        action = next(a for a in window.actions_by_name.values() if a.shortcut().toString() == keys)
        action.trigger()
        qtbot.waitUntil(lambda t=target: QApplication.focusWidget() is t, timeout=2000)


def test_every_menu_action_can_be_reached_from_the_keyboard(window: Any) -> None:
    for menu_action in window.menuBar().actions():
        assert "&" in menu_action.text()  # Alt+letter opens it; arrows and Enter do the rest
    important = ("refresh", "new_order", "find_service", "import", "track", "quit", "settings")
    for name in important:
        assert not window.actions_by_name[name].shortcut().isEmpty(), name
