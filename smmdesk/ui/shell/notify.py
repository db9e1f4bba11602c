"""Desktop notifications (system tray): orders that finished, came back partial or were
canceled, and a warning when a panel's balance falls under the threshold of the settings.

``Notifier`` listens to ``events.refresh_finished`` (the refresh engine's Changes) and
``events.balances_changed``. A balance warning is given once when a panel goes under the
threshold, and again only after it was back above it. Every notification is also emitted
as ``notified(title, message)``: the main window shows it in the status bar too, so nothing
is lost on a desktop without a tray.

Signals:
    notified(str, str)      a notification was given (title, message)
    activated()             the reseller clicked the tray icon
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from smmdesk.core.desk import Desk
from smmdesk.core.errors import SmmdeskError
from smmdesk.core.money import amount_text
from smmdesk.core.settings import Settings
from smmdesk.core.vocabulary import finished_word
from smmdesk.ui.events import DeskEvents


def orders_message(finished: Mapping[int, str], describe: Any = None) -> str:
    """A sentence for orders that became final: local id -> final status."""
    if len(finished) == 1:
        order_id, status = next(iter(finished.items()))
        what = describe(order_id) if describe else ""
        return f"Order #{order_id}{what} {finished_word(status)}."
    counts = Counter(finished.values())
    parts = [f"{n} {finished_word(status)}" for status, n in counts.most_common()]
    return f"{len(finished)} orders finished: " + ", ".join(parts) + "."


class Notifier(QObject):
    notified = Signal(str, str)
    activated = Signal()

    def __init__(
        self,
        desk: Desk,
        events: DeskEvents,
        settings: Settings,
        icon: QIcon,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._desk = desk
        self.settings = settings
        self._low: set[str] = set()
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip("smmdesk")
            self.tray.activated.connect(lambda _reason: self.activated.emit())
            self.tray.show()
        events.refresh_finished.connect(self.refresh_finished)
        events.balances_changed.connect(self.check_balances)

    def set_menu(self, menu: QMenu) -> None:
        if self.tray is not None:
            self.tray.setContextMenu(menu)

    def set_settings(self, settings: Settings) -> None:
        self.settings = settings
        self._low.clear()
        self.check_balances()

    def hide(self) -> None:
        if self.tray is not None:
            self.tray.hide()

    # --- what happened -------------------------------------------------------------------
    def refresh_finished(self, changes: Any) -> None:
        finished: Mapping[int, str] = getattr(changes, "finished", {}) or {}
        if finished and self.settings.notify_orders:
            title = "Order finished" if len(finished) == 1 else "Orders finished"
            self.notify(title, orders_message(finished, self._describe))
        if getattr(changes, "balances", None):
            self.check_balances()

    def check_balances(self) -> None:
        threshold: Decimal = self.settings.balance_threshold
        if not threshold:
            self._low.clear()
            return
        for panel in self._desk.panels():
            low = panel.balance is not None and panel.balance < threshold
            if low and panel.name not in self._low:
                balance = amount_text(panel.balance, panel.currency)
                under = amount_text(threshold, panel.currency)
                self.notify(
                    "Low balance",
                    f"The balance of {panel.name} is {balance}, under your threshold of "
                    f"{under}. Add funds on the panel to keep ordering.",
                    warning=True,
                )
            if low:
                self._low.add(panel.name)
            else:
                self._low.discard(panel.name)

    def notify(self, title: str, message: str, *, warning: bool = False) -> None:
        if self.tray is not None:
            kind = QSystemTrayIcon.MessageIcon
            self.tray.showMessage(title, message, kind.Warning if warning else kind.Information)
        self.notified.emit(title, message)

    def _describe(self, order_id: int) -> str:
        try:
            order = self._desk.read.get_order(order_id)
        except SmmdeskError:
            return ""
        return f" ({order.service_name})" if order.service_name else ""
