"""The main window's layout, remembered between runs: size and place, the docks (where,
shown or not, their sizes) and the orders table's columns and splitter.

Kept with QSettings in ``window-state.ini`` in the data folder: remembered UI state, apart
from the user's settings (``settings.json``). The first layout, and View > Reset layout:

    Panels | Services | New order      (a row of docks, 46% of the height)
    Orders (full width), its table 80% and the order's details 20%
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication

if TYPE_CHECKING:
    from smmdesk.ui.mainwindow import MainWindow

STATE_FILE = "window-state.ini"
STATE_VERSION = 1
DEFAULT_SIZE = (1600, 1000)
PANELS_WIDTH, ORDER_WIDTH = 250, 460
TOP_SHARE, TABLE_SHARE = 0.46, 0.8


def default_size() -> tuple[int, int]:
    """DEFAULT_SIZE, or less on a small screen (never beyond 95% of what is available)."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return DEFAULT_SIZE
    room = screen.availableGeometry()
    width = min(DEFAULT_SIZE[0], int(room.width() * 0.95))
    return width, min(DEFAULT_SIZE[1], int(room.height() * 0.95))


class WindowLayout:
    """Restores, saves and resets the layout of one main window."""

    def __init__(self, window: MainWindow, state: QSettings):
        self.window, self.state = window, state
        self._orders_sized = True  # until a default layout asks for it

    def restore(self) -> None:
        window = self.window
        self._side_by_side()
        geometry = self.state.value("window/geometry")
        if geometry is None or not window.restoreGeometry(geometry):
            window.resize(*default_size())
            self.default_sizes()
        docks = self.state.value("window/docks")
        if docks is not None:
            window.restoreState(docks, STATE_VERSION)
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

    def shown(self) -> None:
        """The window was shown: the orders splitter can be sized now."""
        if not self._orders_sized:
            QTimer.singleShot(0, self._size_orders)

    def _side_by_side(self) -> None:
        docks, across = self.window.docks, Qt.Orientation.Horizontal
        self.window.splitDockWidget(docks["panels"], docks["services"], across)
        self.window.splitDockWidget(docks["services"], docks["order"], across)

    def default_sizes(self) -> None:
        window, docks = self.window, self.window.docks
        middle = max(window.width() - PANELS_WIDTH - ORDER_WIDTH, 300)
        window.resizeDocks(
            [docks["panels"], docks["services"], docks["order"]],
            [PANELS_WIDTH, middle, ORDER_WIDTH],
            Qt.Orientation.Horizontal,
        )
        height = int(window.height() * TOP_SHARE)
        window.resizeDocks([docks["services"]], [height], Qt.Orientation.Vertical)
        self._orders_sized = False
        if window.isVisible():
            self._size_orders()

    def _size_orders(self) -> None:
        """Most of the centre for the orders table, the rest for its detail pane (once the
        window is shown: a splitter not laid out yet forgets its sizes)."""
        splitter = self.window.orders.splitter
        if splitter.width() > 0:
            table = int(splitter.width() * TABLE_SHARE)
            splitter.setSizes([table, splitter.width() - table])
        self._orders_sized = True
