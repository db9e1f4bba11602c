"""Helpers for the GUI tests (pytest-qt + qasync): open and close a main window, find the
message boxes and dialogs it opened, wait for a job. Plain functions, no fixtures: each
test module makes the fixtures it needs from them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from smmdesk.core.settings import Settings
from smmdesk.ui.shell.layout import STATE_FILE
from smmdesk.ui.shell.mainwindow import MainWindow

WAIT_MS = 10_000


def open_window(desk: Any, qtbot: Any, *, show: bool = True) -> MainWindow:
    """A main window over ``desk`` (its settings and window state in the data folder).
    Close it with ``close_window`` (not registered with qtbot: pytest-qt would delete it
    before the fixtures that use it are torn down)."""
    state = QSettings(str(desk.folder / STATE_FILE), QSettings.Format.IniFormat)
    window = MainWindow(desk, Settings.load(desk.folder), state=state)
    if show:
        window.show()
    return window


def close_window(window: MainWindow, qtbot: Any) -> None:
    """Close every dialog, the window, and wait until its background work has ended."""
    for widget in QApplication.topLevelWidgets():
        if widget is not window and widget.isVisible():
            widget.close()
    window.close()
    done = asyncio.ensure_future(window.shutdown())
    qtbot.waitUntil(done.done, timeout=WAIT_MS)
    done.result()
    window.deleteLater()


def wait_for(coro: Coroutine[Any, Any, Any], qtbot: Any) -> Any:
    """Run ``coro`` on the qasync loop until it is done (the test stays synchronous)."""
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    return task.result()


def visible_box(parent: QWidget | None, name: str) -> QMessageBox | None:
    """The visible message box called ``name`` (errorBox, confirmOrder ...), if any."""
    boxes = parent.findChildren(QMessageBox) if parent is not None else []
    boxes += [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    return next((b for b in boxes if b.objectName() == name and b.isVisible()), None)


def wait_box(parent: QWidget | None, name: str, qtbot: Any) -> QMessageBox:
    qtbot.waitUntil(lambda: visible_box(parent, name) is not None, timeout=WAIT_MS)
    box = visible_box(parent, name)
    assert box is not None
    return box


def click_button(box: QMessageBox, text: str) -> None:
    """Click the button of ``box`` whose text is ``text``."""
    for button in box.buttons():
        if button.text().replace("&", "") == text:
            button.click()
            return
    raise AssertionError(f"no button {text!r} in {[b.text() for b in box.buttons()]}")


def confirm_order(form: Any, qtbot: Any) -> None:
    """Place the form's order as a user does: "Place order…", then the confirmation's
    "Place order" (what is sent is what the box showed)."""
    form.ask_to_place()
    click_button(wait_box(form, "confirmOrder", qtbot), "Place order")
