"""The main window's layout, remembered between runs: size and place, the docks (where,
shown or not, their sizes) and the orders table's columns and splitter.

Kept with QSettings in ``window-state.ini`` in the data folder: remembered UI state, apart
from the user's settings (``settings.json``). The first layout, and View > Reset layout:

    Panels | Services | New order      (a row of docks, 46% of the height; the panels
                                        and the form narrow, the catalog the rest)
    Orders (full width): the table, and beside it the order's details (25%) on a window
    at least DETAIL_FROM px wide (narrower: folded away, View > Order details)

A restored layout is checked once shown (``check``): a dock under its least width, a top
row too tall or too flat, a catalog whose columns run off its edge: the first layout again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication

if TYPE_CHECKING:
    from smmdesk.ui.shell.mainwindow import MainWindow

STATE_FILE = "window-state.ini"
STATE_VERSION = 1
DEFAULT_SIZE = (1600, 1000)
PANELS_SHARE, PANELS_RANGE = 0.13, (160, 260)  # of the window's width, within (least, most)
ORDER_SHARE, ORDER_RANGE = 0.25, (320, 440)
TOP_SHARE, TOP_RANGE = 0.46, (0.25, 0.7)  # of the height; a restored share outside: reset
DETAIL_FROM = 1800  # a narrower window starts with the order's details folded away
TABLE_SHARE = 0.75  # of the orders' width, when the details show beside the table


def default_size() -> tuple[int, int]:
    """DEFAULT_SIZE, or less on a small screen (never beyond 95% of what is available)."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return DEFAULT_SIZE
    room = screen.availableGeometry()
    width = min(DEFAULT_SIZE[0], int(room.width() * 0.95))
    return width, min(DEFAULT_SIZE[1], int(room.height() * 0.95))


def _within(value: float, least: int, most: int) -> int:
    return int(min(max(value, least), most))


class WindowLayout:
    """Restores, saves and resets the layout of one main window."""

    def __init__(self, window: MainWindow, state: QSettings):
        self.window, self.state = window, state
        self._orders_sized = True  # until a default layout asks for it
        self._check_pending = False

    def restore(self) -> None:
        window = self.window
        self._side_by_side()
        geometry = self.state.value("window/geometry")
        if geometry is None or not window.restoreGeometry(geometry) or self._too_big():
            window.resize(*default_size())
            self.default_sizes()
        docks = self.state.value("window/docks")
        if docks is not None:
            window.restoreState(docks, STATE_VERSION)
            self._check_pending = True
        orders = self.state.value("window/orders")
        if orders is not None:
            window.orders.restore_state(orders)
            self._orders_sized = True

    def save(self) -> None:
        window = self.window
        if not window.desk.panels():
            return  # the welcome page hides the docks: keep the last real layout
        self.state.setValue("window/geometry", window.saveGeometry())
        self.state.setValue("window/docks", window.saveState(STATE_VERSION))
        self.state.setValue("window/orders", window.orders.save_state())
        self.state.sync()

    def reset(self) -> None:
        """Every dock back in the first layout (shown when there is a panel)."""
        window = self.window
        for dock in window.docks.values():
            dock.setFloating(False)
            dock.setVisible(bool(window.desk.panels()))
            window.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, dock)
        self._side_by_side()
        self.default_sizes()
        window.orders.fitter.refit()

    def shown(self) -> None:
        """The window was shown: the orders splitter can be sized now, and a restored
        layout checked."""
        if not self._orders_sized:
            QTimer.singleShot(0, self._size_orders)
        if self._check_pending:
            self._check_pending = False
            QTimer.singleShot(0, self.check)

    def docks_arrived(self) -> None:
        """The docks show again (the first panel was added): lay them out as the first
        layout says (or as saved), once they are laid out."""
        docks = self.state.value("window/docks")
        if docks is not None and self.window.restoreState(docks, STATE_VERSION):
            QTimer.singleShot(0, self.check)
            return
        QTimer.singleShot(0, self.default_sizes)

    def check(self) -> bool:
        """Reset what a restored layout got wrong (a dock below its least width, the top
        row too tall or too flat, columns off the edge); True when it was all right."""
        window = self.window
        if not window.desk.panels():
            return True
        ok = self._docks_ok()
        if not ok:
            self.default_sizes()
        if not window.orders.fitter.sound():
            window.orders.fitter.refit()
        return ok

    def _docks_ok(self) -> bool:
        window, height = self.window, max(self.window.height(), 1)
        for dock in window.docks.values():
            if not dock.isVisible() or dock.isFloating():
                continue
            if dock.width() < dock.widget().minimumWidth():
                return False
            share = dock.height() / height
            if not TOP_RANGE[0] <= share <= TOP_RANGE[1]:
                return False
        catalog = window.catalog
        return not catalog.isVisible() or catalog.fitter.fits()

    def _too_big(self) -> bool:
        screen = self.window.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return False
        room, frame = screen.availableGeometry(), self.window.frameGeometry()
        return frame.width() > room.width() + 16 or frame.height() > room.height() + 16

    def _side_by_side(self) -> None:
        docks, across = self.window.docks, Qt.Orientation.Horizontal
        self.window.splitDockWidget(docks["panels"], docks["services"], across)
        self.window.splitDockWidget(docks["services"], docks["order"], across)

    def default_sizes(self) -> None:
        window, docks = self.window, self.window.docks
        width = window.width()
        panels = _within(width * PANELS_SHARE, *PANELS_RANGE)
        order = _within(width * ORDER_SHARE, *ORDER_RANGE)
        middle = max(width - panels - order, window.catalog.minimumWidth())
        window.resizeDocks(
            [docks["panels"], docks["services"], docks["order"]],
            [panels, middle, order],
            Qt.Orientation.Horizontal,
        )
        height = int(window.height() * TOP_SHARE)
        window.resizeDocks([docks["services"]], [height], Qt.Orientation.Vertical)
        self._orders_sized = False
        if window.isVisible():
            self._size_orders()

    def _size_orders(self) -> None:
        """The whole centre for the orders table on a narrow window (the details open
        from the View menu or by dragging the splitter's edge); most of it on a wide one,
        the rest for the details. Done once the window is shown: a splitter not laid out
        yet forgets its sizes."""
        splitter = self.window.orders.splitter
        width = splitter.width()
        if width > 0:
            table = width if self.window.width() < DETAIL_FROM else int(width * TABLE_SHARE)
            splitter.setSizes([table, width - table])
            self.window.orders._details_moved()
            self._orders_sized = True
