"""OrderActions: what a reseller does with selected orders, as QActions.

Cancel and refill (a confirmation naming how many orders, the panel calls in ``Jobs.run``,
then a dialog with one result per order; the Desk tells the views which orders changed);
copy the panels' order ids or the links; settle an order whose outcome is unknown (placed
with the id the panel shows, or not placed); export the selection, or every order the
filters match, to CSV through a native file dialog.

Signals:
    exported(int, str)   how many orders were written, and to which file
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from smmdesk.core.api.dialect import Dialect
from smmdesk.core.api.models import Service
from smmdesk.core.availability import Availability, can_cancel, can_refill
from smmdesk.core.desk import Desk
from smmdesk.core.errors import FieldProblem, SmmdeskError, ValidationError
from smmdesk.core.i18n import N_, _, left_to_right, ngettext
from smmdesk.core.store import Order, OrderQuery, OrderState
from smmdesk.ui.errors import show_error
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.jobs import Jobs
from smmdesk.ui.orders.dialogs import Result, ResultsDialog, ask_remote_id, confirm
from smmdesk.ui.orders.export import export_matching, export_selection
from smmdesk.ui.theme import themed

CHECKS = {"cancel": can_cancel, "refill": can_refill}
# kind -> its texts (translated where shown): the confirmation's title, what the job does,
# what a success means, the action's tooltip, the results dialog's title
BULK = {
    "cancel": {
        "title": N_("Cancel orders"),
        "job": N_("Canceling orders"),
        "meaning": N_("A cancel only asks the panel: the next status refresh shows what was "
                      "canceled and refunded."),
        "tip": N_("Cancel the selected orders"),
        "results": N_("Cancel: results"),
    },
    "refill": {
        "title": N_("Refill orders"),
        "job": N_("Asking for refills"),
        "meaning": N_("Each accepted refill is followed until the panel finishes it."),
        "tip": N_("Refill the selected orders"),
        "results": N_("Refill: results"),
    },
}  # fmt: skip


def bulk_text(kind: str, key: str) -> str:
    """One of BULK's texts of ``kind``, in the current language."""
    return _(BULK[kind][key])


def not_possible(kind: str, reason: str) -> str:
    """The tooltip of an action the one selected order cannot take."""
    if kind == "cancel":
        # Translators: {reason} says why, e.g. "its service offers no cancel".
        return _("Cancel: not possible, {reason}.").format(reason=reason)
    # Translators: {reason} says why, e.g. "a refill is possible once it is completed".
    return _("Refill: not possible, {reason}.").format(reason=reason)


def bulk_question(kind: str, count: int) -> str:
    """ "Cancel 2 orders?" """
    if kind == "cancel":
        text = ngettext("Cancel {count} order?", "Cancel {count} orders?", count)
    else:
        text = ngettext("Refill {count} order?", "Refill {count} orders?", count)
    return text.format(count=count)


def bulk_button(kind: str, count: int) -> str:
    """ "Cancel 2 orders": the confirmation's button."""
    if kind == "cancel":
        text = ngettext("Cancel {count} order", "Cancel {count} orders", count)
    else:
        text = ngettext("Refill {count} order", "Refill {count} orders", count)
    return text.format(count=count)


def left_out(kind: str, count: int) -> str:
    """Why ``count`` selected orders are not part of a cancel / refill."""
    if kind == "cancel":
        text = ngettext(
            "{count} selected order(s) are left out: they never reached a panel, are final "
            "already, or their service offers no cancel.",
            "{count} selected order(s) are left out: they never reached a panel, are final "
            "already, or their service offers no cancel.",
            count,
        )
    else:
        text = ngettext(
            "{count} selected order(s) are left out: they never reached a panel, are final "
            "already, or their service offers no refill.",
            "{count} selected order(s) are left out: they never reached a panel, are final "
            "already, or their service offers no refill.",
            count,
        )
    return text.format(count=count)


def numbers(orders: list[Order], shown: int = 10) -> str:
    """ "#12, #15, #16 and 4 more": which orders an action is about."""
    text = left_to_right(", ".join(f"#{o.id}" for o in orders[:shown]))
    if len(orders) <= shown:
        return text
    more = len(orders) - shown
    # Translators: {numbers} lists order numbers ("#12, #15, #16"); {count} how many more.
    return ngettext("{numbers} and {count} more", "{numbers} and {count} more", more).format(
        numbers=text, count=more
    )


def orders_line(orders: list[Order]) -> str:
    """ "Orders: #12, #15": the last line of a confirmation."""
    # Translators: {numbers} lists order numbers ("#12, #15 and 4 more").
    return _("Orders: {numbers}").format(numbers=numbers(orders))


class OrderActions(QObject):
    exported = Signal(int, str)

    def __init__(
        self,
        desk: Desk,
        events: DeskEvents,
        jobs: Jobs,
        selected: Callable[[], list[Order]],
        query: Callable[[], OrderQuery],
        parent: QWidget,
    ):
        super().__init__(parent)
        self.desk, self.events, self.jobs = desk, events, jobs
        self._selected, self._query, self._parent = selected, query, parent
        self._dialog: QWidget | None = None
        self._catalogs: dict[str, dict[str, Service]] = {}  # panel -> its saved services
        self._dialects: dict[str, Dialect | None] = {}  # panel -> what it speaks
        events.catalog_changed.connect(lambda panel: self._catalogs.pop(panel, None))
        events.panels_changed.connect(self._catalogs.clear)
        self.cancel = self._action(_("Cancel…"), lambda: self.ask_bulk("cancel"), "Del")
        self.refill = self._action(_("Refill…"), lambda: self.ask_bulk("refill"))
        self.copy_id = self._action(
            _("Copy order id"), self.copy_ids, QKeySequence.StandardKey.Copy
        )
        self.copy_link = self._action(_("Copy link"), self.copy_links, "Ctrl+Shift+C")
        self.mark_placed = self._action(_("Mark as placed…"), self.ask_mark_placed)
        self.mark_not_placed = self._action(_("Mark as not placed…"), self.ask_mark_not_placed)
        self.export_selected = self._action(_("Export selection…"), lambda: self.ask_export(False))
        self.export_all = self._action(_("Export all matching…"), lambda: self.ask_export(True))
        for action, name in ((self.cancel, "cancel"), (self.refill, "refill"),
                             (self.copy_id, "copy"), (self.copy_link, "link"),
                             (self.mark_placed, "mark_placed"),
                             (self.mark_not_placed, "mark_not_placed"),
                             (self.export_selected, "export"),
                             (self.export_all, "export")):  # fmt: skip
            themed(action, name)
        self.update_enabled()

    @property
    def dialog(self) -> QWidget | None:
        """The dialog opened last, while it exists (for the main window and tests)."""
        return self._dialog

    @dialog.setter
    def dialog(self, dialog: QWidget) -> None:
        self._dialog = dialog
        dialog.destroyed.connect(lambda *_args: self._forget(dialog))

    def _forget(self, dialog: QWidget) -> None:
        if self._dialog is dialog:
            self._dialog = None

    def groups(self) -> list[list[QAction]]:
        """The actions, grouped as toolbars and menus show them."""
        return [
            [self.cancel, self.refill],
            [self.copy_id, self.copy_link],
            [self.mark_placed, self.mark_not_placed],
            [self.export_selected, self.export_all],
        ]

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: str | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self._parent)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self._parent.addAction(action)
        return action

    def service_of(self, order: Order) -> Service | None:
        """The order's service in its panel's saved catalog (None: not there)."""
        self._load_panel(order.panel_name)
        return self._catalogs[order.panel_name].get(order.service_id or "")

    def _load_panel(self, name: str) -> None:
        if name in self._catalogs:
            return
        try:
            panel = self.desk.panel(name)
            services, dialect = self.desk.read.load_catalog(panel.id), panel.dialect
        except SmmdeskError:
            services, dialect = [], None
        self._catalogs[name] = {s.id: s for s in services}
        self._dialects[name] = dialect

    def availability(self, kind: str, order: Order) -> Availability:
        """Whether ``order`` can be canceled / refilled now (smmdesk.core.availability)."""
        service = self.service_of(order)
        return CHECKS[kind](order, service, self._dialects.get(order.panel_name))

    def update_enabled(self) -> None:
        """Enable what makes sense for the selection: cancel and refill only when at least
        one selected order can take it (the tooltip says why not)."""
        orders = self._selected()
        unknown = [o for o in orders if o.state == OrderState.UNKNOWN]
        for kind, action in (("cancel", self.cancel), ("refill", self.refill)):
            answers = [self.availability(kind, o) for o in orders]
            action.setEnabled(any(answers))
            if len(orders) == 1 and not answers[0]:
                action.setToolTip(not_possible(kind, answers[0].reason))
            else:
                action.setToolTip(bulk_text(kind, "tip"))
        for action in (self.copy_id, self.copy_link, self.export_selected):
            action.setEnabled(bool(orders))
        self.mark_placed.setEnabled(len(orders) == 1 and len(unknown) == 1)
        self.mark_not_placed.setEnabled(bool(unknown) and len(unknown) == len(orders))

    # --- cancel and refill --------------------------------------------------------------
    def ask_bulk(self, kind: str) -> None:
        orders = self._selected()
        sendable = [o for o in orders if self.availability(kind, o)]
        if not sendable:
            return
        skipped = len(orders) - len(sendable)
        details = bulk_text(kind, "meaning")
        if skipped:
            details += " " + left_out(kind, skipped)
        details += "\n\n" + orders_line(sendable)
        self.dialog = confirm(
            self._parent,
            bulk_text(kind, "title"),
            bulk_question(kind, len(sendable)),
            details,
            bulk_button(kind, len(sendable)),
            lambda: self.run_bulk(kind, sendable),
        )

    def run_bulk(self, kind: str, orders: list[Order]) -> None:
        """Ask the panels to cancel/refill ``orders`` (no confirmation), then show results."""
        self.jobs.run(
            self._bulk(kind, orders),
            bulk_text(kind, "job"),
            on_done=lambda results: self._bulk_done(kind, orders, results),
        )

    async def _bulk(self, kind: str, orders: list[Order]) -> list[Result]:
        by_panel: dict[str, list[Order]] = {}
        for order in orders:
            by_panel.setdefault(order.panel_name, []).append(order)
        call = self.desk.cancel_orders if kind == "cancel" else self.desk.refill_orders

        async def one_panel(panel: str, group: list[Order]) -> list[Result]:
            try:
                outcomes = await call(panel, [o.remote_id for o in group if o.remote_id])
            except SmmdeskError as exc:
                return [Result(o.id, panel, o.remote_id, False, str(exc)) for o in group]
            return [Result(x.order_id, panel, x.remote_id, x.ok, x.message) for x in outcomes]

        answers = await asyncio.gather(*(one_panel(p, g) for p, g in by_panel.items()))
        return [result for results in answers for result in results]

    def _bulk_done(self, kind: str, orders: list[Order], results: list[Result]) -> None:
        """The Desk told the views which orders changed; here, what the panels said."""
        done = sum(r.ok for r in results)
        # Translators: how many orders of a cancel / refill the panels accepted ("2 of 3").
        summary = _("The panels accepted {done} of {total}.").format(done=done, total=len(results))
        if done < len(results):
            summary += " " + _("The message says why for the others.")
        dialog = ResultsDialog(self._parent, bulk_text(kind, "results"), summary, results)
        dialog.open()
        self.dialog = dialog

    # --- copy ---------------------------------------------------------------------------
    def copy_ids(self) -> None:
        orders = self._selected()
        if orders:
            ids = [o.remote_id or f"#{o.id}" for o in orders]
            QApplication.clipboard().setText("\n".join(ids))

    def copy_links(self) -> None:
        links = [o.link for o in self._selected() if o.link]
        if links:
            QApplication.clipboard().setText("\n".join(links))

    # --- settling an unknown outcome -----------------------------------------------------
    def ask_mark_placed(self) -> None:
        orders = [o for o in self._selected() if o.state == OrderState.UNKNOWN]
        if len(orders) == 1:
            order = orders[0]
            self.dialog = ask_remote_id(
                self._parent, order.id, order.panel_name, lambda text: self.settle(order, text)
            )

    def ask_mark_not_placed(self) -> None:
        orders = [o for o in self._selected() if o.state == OrderState.UNKNOWN]
        if not orders:
            return
        count = len(orders)
        self.dialog = confirm(
            self._parent,
            _("Mark as not placed"),
            ngettext(
                "Mark {count} order as not placed?", "Mark {count} orders as not placed?", count
            ).format(count=count),
            _(
                "Do this only after checking the panel's order list: smmdesk will not ask the "
                "panel about them again."
            )
            + "\n\n"
            + orders_line(orders),
            ngettext(
                "Mark {count} order as not placed", "Mark {count} orders as not placed", count
            ).format(count=count),
            lambda: self.settle_all(orders),
        )

    def settle_all(self, orders: list[Order]) -> None:
        """Mark ``orders`` as not placed (the reseller checked the panel)."""
        for order in orders:
            self.settle(order, None)

    def settle(self, order: Order, remote_id: str | None) -> None:
        """Record what the reseller found on the panel: ``remote_id``, or None (not there)."""
        what = (
            _("Marking the order as placed")
            if remote_id is not None
            else _("Marking it not placed")
        )
        try:
            if remote_id is not None and not remote_id.strip():
                raise ValidationError(
                    [FieldProblem("", _("The order id is empty. Enter the id the panel shows."))]
                )
            self.desk.resolve_unknown(order.id, remote_id)  # the views hear of it
        except SmmdeskError as exc:
            self.dialog = show_error(self._parent, exc, what)

    # --- export -------------------------------------------------------------------------
    def ask_export(self, everything: bool) -> QFileDialog:
        dialog = QFileDialog(self._parent, _("Export orders to CSV"), str(Path.home()))
        dialog.setObjectName("exportDialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(_("CSV files (*.csv)"))
        dialog.setDefaultSuffix("csv")
        dialog.selectFile("orders.csv")
        dialog.fileSelected.connect(lambda path: self.export(path, everything))
        dialog.open()
        self.dialog = dialog
        return dialog

    def export(self, path: str, everything: bool) -> None:
        """Write the selection, or (``everything``) every order the filters match, to ``path``."""
        if not everything:
            chosen = export_selection(
                self._parent, self.desk, path, self._selected(), self._query()
            )
            self._exported(chosen, path)
            return
        self.jobs.run(
            export_matching(self.desk, self._query(), path, self._parent),
            _("Exporting orders"),
            on_done=lambda count: self._exported(count, path),
        )

    def _exported(self, count: int | None, path: str) -> None:
        if count is not None:
            self.exported.emit(count, path)
