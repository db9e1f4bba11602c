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
from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import _, left_to_right, ngettext
from smmdesk.core.settings import Settings
from smmdesk.core.vocabulary import finished_word
from smmdesk.protocol import CANCELED, COMPLETED, FAILED, IN_PROGRESS, PARTIAL, PENDING
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.i18n import money_text


def _one_order(order: str, status: str) -> str:
    """The sentence for one order that became final; ``order`` is "#3" or "#3 (service)"."""
    if status == COMPLETED:
        # Translators: {order} is the order's number ("#3"), followed by its service in
        # brackets when known ("#3 (Instagram Likes)").
        return _("Order {order} completed.").format(order=order)
    if status == PARTIAL:
        return _("Order {order} came back partial.").format(order=order)
    if status == CANCELED:
        return _("Order {order} canceled.").format(order=order)
    if status == FAILED:
        return _("Order {order} failed.").format(order=order)
    if status == PENDING:
        return _("Order {order} is pending.").format(order=order)
    if status == IN_PROGRESS:
        return _("Order {order} is in progress.").format(order=order)
    # Translators: {status} is a status the panel sent that smmdesk does not know.
    return _("Order {order} {status}.").format(order=order, status=finished_word(status))


def _counted(status: str, n: int) -> str:
    """How many orders ended in ``status``: "2 completed" (a part of a list)."""
    count = format_integer(n)
    if status == COMPLETED:
        return ngettext("{count} completed", "{count} completed", n).format(count=count)
    if status == PARTIAL:
        text = ngettext("{count} came back partial", "{count} came back partial", n)
        return text.format(count=count)
    if status == CANCELED:
        return ngettext("{count} canceled", "{count} canceled", n).format(count=count)
    if status == FAILED:
        return ngettext("{count} failed", "{count} failed", n).format(count=count)
    if status == PENDING:
        return ngettext("{count} is pending", "{count} are pending", n).format(count=count)
    if status == IN_PROGRESS:
        text = ngettext("{count} is in progress", "{count} are in progress", n)
        return text.format(count=count)
    # Translators: {status} is a status the panel sent that smmdesk does not know.
    return _("{count} {status}").format(count=count, status=finished_word(status))


def orders_message(finished: Mapping[int, str], describe: Any = None) -> str:
    """A sentence for orders that became final: local id -> final status."""
    if len(finished) == 1:
        order_id, status = next(iter(finished.items()))
        service = describe(order_id) if describe else ""
        order = left_to_right(f"#{order_id}")
        if service:
            order = f"{order} ({service})"
        return _one_order(order, status)
    counts = Counter(finished.values())
    parts = ", ".join(_counted(status, n) for status, n in counts.most_common())
    n = len(finished)
    # Translators: {details} lists how the orders ended ("2 completed, 1 canceled").
    text = ngettext("{count} order finished: {details}.", "{count} orders finished: {details}.", n)
    return text.format(count=format_integer(n), details=parts)


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
            title = ngettext("Order finished", "Orders finished", len(finished))
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
                balance = money_text(panel.balance, panel.currency)
                under = money_text(threshold, panel.currency)
                self.notify(
                    _("Low balance"),
                    # Translators: {panel} is a panel's name; {balance} and {threshold} are
                    # amounts with their currency ("40.00 USD").
                    _(
                        "The balance of {panel} is {balance}, under your threshold of "
                        "{threshold}. Add funds on the panel to keep ordering."
                    ).format(panel=panel.name, balance=balance, threshold=under),
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
        return order.service_name or ""
