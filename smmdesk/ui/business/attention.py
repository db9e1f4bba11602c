"""The "Needs attention" window: slow orders, partials to refill, orders of unknown outcome
and balances running out, each with the action it suggests (smmdesk.core.attention).

Select a line and press its action: Refill and Cancel ask the panel (in the background),
"Order elsewhere" opens Compare on the order's service, "Add funds" and "Check the panel"
say what to do on the panel's site. The list is read again after every refresh.

Signals:
    compare_requested(str)   show the comparison for this text (the order's service name)
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.attention import Action, Attention
from smmdesk.core.desk import Desk
from smmdesk.core.i18n import _, left_to_right
from smmdesk.core.settings import Settings
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.jobs import Jobs

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1


class AttentionWindow(QDialog):
    compare_requested = Signal(str)

    def __init__(
        self,
        desk: Desk,
        events: DeskEvents,
        jobs: Jobs,
        settings: Settings,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("attentionWindow")
        self.setWindowTitle(_("Needs attention"))
        self.resize(860, 420)
        self._desk, self._events, self._jobs, self._settings = desk, events, jobs, settings
        self.items: list[Attention] = []
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("attentionTree")
        self.tree.setHeaderLabels((_("Order"), _("Panel"), _("What"), _("Suggested"), _("Why")))
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.note = QLabel(self)
        self.note.setObjectName("attentionNote")
        self.note.setWordWrap(True)
        self.act_button = QPushButton(_("Do it"), self)
        self.act_button.setObjectName("attentionAct")
        self.act_button.clicked.connect(self.act)
        self.elsewhere_button = QPushButton(_("Order elsewhere…"), self)
        self.elsewhere_button.setObjectName("attentionElsewhere")
        self.elsewhere_button.clicked.connect(self.order_elsewhere)
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.elsewhere_button)
        buttons.addWidget(self.act_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        events.refresh_finished.connect(lambda _changes: self.reload())
        events.balances_changed.connect(self.reload)

    def reload(self) -> None:
        self.items = self._desk.read.needs_attention(balance_days=self._settings.balance_days)
        self.tree.clear()
        for item in self.items:
            order = "" if item.order_id is None else left_to_right(f"#{item.order_id}")
            row = QTreeWidgetItem(
                [order, item.panel, item.kind.words, item.action.words, item.reason]
            )
            row.setData(0, ITEM_ROLE, item)
            row.setToolTip(4, item.reason)
            self.tree.addTopLevelItem(row)
        for column in range(4):
            self.tree.resizeColumnToContents(column)
        self.note.setText("" if self.items else _("Nothing needs your attention."))
        self._selection_changed()

    def selected(self) -> Attention | None:
        rows = self.tree.selectedItems()
        return rows[0].data(0, ITEM_ROLE) if rows else None

    def _selection_changed(self) -> None:
        item = self.selected()
        self.act_button.setEnabled(item is not None)
        self.act_button.setText(item.action.words if item else _("Do it"))
        self.elsewhere_button.setEnabled(item is not None and item.service_id is not None)

    def act(self) -> None:
        item = self.selected()
        if item is None:
            return
        if item.action in (Action.REFILL, Action.CANCEL) and item.remote_id:
            ask = (
                self._desk.refill_orders
                if item.action == Action.REFILL
                else self._desk.cancel_orders
            )
            number = left_to_right(str(item.order_id))
            if item.action == Action.REFILL:
                # Translators: {number} is smmdesk's number of the order.
                what = _("Refilling order #{number}").format(number=number)
            else:
                # Translators: {number} is smmdesk's number of the order.
                what = _("Canceling order #{number}").format(number=number)
            self._jobs.run(
                ask(item.panel, [item.remote_id]),
                what,
                on_done=lambda outcomes: self._done(item, outcomes),
            )
        elif item.action == Action.ORDER_ELSEWHERE:
            self.order_elsewhere()
        elif item.action == Action.ADD_FUNDS:
            self.note.setText(
                _("Add funds on the website of {panel}, then refresh.").format(panel=item.panel)
            )
        else:
            self.note.setText(
                # Translators: {number} is smmdesk's number of the order, {panel} a panel's name.
                _(
                    "Look for order #{number} in the order list on {panel}'s website, "
                    "then settle it in the orders view (Orders → the order → resolve)."
                ).format(number=left_to_right(str(item.order_id)), panel=item.panel)
            )

    def _done(self, item: Attention, outcomes: list[object]) -> None:
        messages = [getattr(o, "message", "") for o in outcomes]
        self.reload()  # the Desk told the other views of the order
        said = "; ".join(m for m in messages if m)
        number = left_to_right(str(item.order_id))
        # Translators: {messages} is what the panel answered about the order.
        note = _("Order #{number}: {messages}.").format(number=number, messages=said)
        self.note.setText(note)

    def order_elsewhere(self) -> None:
        item = self.selected()
        if item is None or item.order_id is None:
            return
        order = self._desk.read.get_order(item.order_id)
        self.compare_requested.emit(order.service_name or order.service_id or "")
