"""The Compare window: the same service on every panel, cheapest first, and price changes.

Type what you buy ("instagram followers"): each group of the same service lists every
panel's offer, cheapest first, with its rate per 1000, min..max, refill and cancel, and
what your own orders say (median time to complete, partial and cancel rates; the fastest
is marked). Choosing an offer shows its price history. "Order this on…" opens the order
form on that panel's service with the fields already typed carried over. "Same service"
keeps the chosen offers together, "Not the same" splits one off, "Let smmdesk decide"
forgets the choice (smmdesk.core.store.groups). The "Price changes" tab lists rate changes
of services you have ordered.

Signals:
    order_requested(str, str)   order on this panel's service (panel name, service id)
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.api.models import offered
from smmdesk.core.desk import Desk
from smmdesk.core.exchange import Exchange
from smmdesk.core.formats import duration_text, format_integer
from smmdesk.core.i18n import N_, _, left_to_right, pgettext
from smmdesk.core.money import format_money
from smmdesk.core.offers.compare import Compared, Comparison
from smmdesk.core.settings import Settings
from smmdesk.ui.events import DeskEvents

# English; the header shows them translated
COLUMNS = (N_("Panel"), N_("ID"), N_("Name"), N_("Rate / 1000"), N_("Min..max"),
           N_("Refill"), N_("Cancel"), N_("Median time"), N_("Partial"), N_("Canceled"),
           N_("Orders"))  # fmt: skip
MOVE_COLUMNS = (N_("Panel"), N_("ID"), N_("Name"), N_("Was"), N_("Now"), N_("Change"),
                N_("Since"))  # fmt: skip
REF_ROLE = Qt.ItemDataRole.UserRole + 1


def _percent(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.0%}"


class CompareWindow(QDialog):
    order_requested = Signal(str, str)

    def __init__(
        self, desk: Desk, events: DeskEvents, settings: Settings, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setObjectName("compareWindow")
        self.setWindowTitle(_("Compare panels"))
        self.resize(980, 560)
        self._desk, self._settings = desk, settings
        self.comparisons: list[Comparison] = []
        self.search = QLineEdit(self)
        self.search.setObjectName("compareSearch")
        self.search.setPlaceholderText(_('What you buy, e.g. "instagram followers" — then Enter'))
        self.search.returnPressed.connect(self.run_search)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("compareTree")
        self.tree.setHeaderLabels([_(column) for column in COLUMNS])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.tree.itemDoubleClicked.connect(lambda *_args: self.order_selected())
        self.history = QLabel(self)
        self.history.setObjectName("priceHistory")
        self.history.setWordWrap(True)
        self.order_button = self._button(_("Order this on…"), self.order_selected, "orderThisOn")
        self.same_button = self._button(_("Same service"), self.keep_selected, "keepTogether")
        self.split_button = self._button(_("Not the same"), self.split_selected, "splitOff")
        self.reset_button = self._button(_("Let smmdesk decide"), self.reset_selected, "resetGroup")
        self.moves = QTreeWidget(self)
        self.moves.setObjectName("priceMoves")
        self.moves.setHeaderLabels([_(column) for column in MOVE_COLUMNS])
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._compare_page(), pgettext("tab", "Compare"))
        self.tabs.addTab(self.moves, _("Price changes"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        events.catalog_changed.connect(lambda _name: self._reload())
        self._selection_changed()
        self.show_price_moves()

    def _button(self, text: str, slot: object, name: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    def _compare_page(self) -> QWidget:
        page = QWidget(self)
        buttons = QHBoxLayout()
        for button in (self.same_button, self.split_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.order_button)
        column = QVBoxLayout(page)
        column.addWidget(self.search)
        column.addWidget(self.tree, 1)
        column.addWidget(self.history)
        column.addLayout(buttons)
        return page

    # --- searching -----------------------------------------------------------------------
    def set_search(self, text: str) -> None:
        self.search.setText(text)
        self.run_search()

    def run_search(self) -> None:
        exchange = Exchange.from_settings(self._settings)
        self.comparisons = self._desk.read.compare(self.search.text(), exchange)
        self._fill()

    def _reload(self) -> None:
        if self.search.text().strip():
            self.run_search()
        self.show_price_moves()

    def _fill(self) -> None:
        self.tree.clear()
        for comparison in self.comparisons:
            label = comparison.group.label
            if comparison.group.by_hand:
                # Translators: {group} names a group of the same service on several panels.
                label = _("{group} (kept by you)").format(group=label)
            top = QTreeWidgetItem([label])
            top.setFirstColumnSpanned(True)
            self.tree.addTopLevelItem(top)
            fastest = comparison.fastest
            for position, compared in enumerate(comparison.offers):
                top.addChild(self._row(compared, position == 0, compared is fastest))
            top.setExpanded(True)
        if not self.comparisons and self.search.text().strip():
            self.tree.addTopLevelItem(QTreeWidgetItem([_("No panel sells a service like this.")]))
        for column in range(len(COLUMNS)):
            self.tree.resizeColumnToContents(column)

    def _row(self, compared: Compared, cheapest: bool, fastest: bool) -> QTreeWidgetItem:
        offer, stats = compared.offer, compared.stats
        service = offer.service
        median = duration_text(stats.completed_median_s)
        item = QTreeWidgetItem(
            [
                # Translators: {panel} sells the service for the least.
                _("{panel} · cheapest").format(panel=offer.panel) if cheapest else offer.panel,
                left_to_right(service.id),
                service.name,
                format_money(service.rate, offer.currency),
                left_to_right(f"{format_integer(service.min)}..{format_integer(service.max)}"),
                offered(service.refill),
                offered(service.cancel),
                # Translators: {time} is the median time to complete ("5 min"), the shortest.
                _("{time} · fastest").format(time=median) if fastest and median else median,
                _percent(stats.partial_rate),
                _percent(stats.cancel_rate),
                str(stats.finished or ""),
            ]
        )
        item.setData(0, REF_ROLE, (offer.panel_id, offer.panel, service.id))
        for column in (3, 7, 8, 9, 10):
            item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
        return item

    # --- the reseller's moves ------------------------------------------------------------
    def selected_refs(self) -> list[tuple[int, str, str]]:
        """(panel id, panel name, service id) of each chosen offer."""
        refs = [item.data(0, REF_ROLE) for item in self.tree.selectedItems()]
        return [tuple(ref) for ref in refs if ref]

    def select_offer(self, panel: str, service_id: str) -> bool:
        for n in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(n)
            for m in range(top.childCount()):
                ref = top.child(m).data(0, REF_ROLE)
                if ref and ref[1] == panel and ref[2] == service_id:
                    self.tree.setCurrentItem(top.child(m))
                    return True
        return False

    def _selection_changed(self) -> None:
        refs = self.selected_refs()
        self.order_button.setEnabled(len(refs) == 1)
        self.same_button.setEnabled(len(refs) >= 2)
        self.split_button.setEnabled(len(refs) == 1)
        self.reset_button.setEnabled(len(refs) == 1)
        self.history.setText(self._history_text(refs[0]) if len(refs) == 1 else "")

    def _history_text(self, ref: tuple[int, str, str]) -> str:
        points = self._desk.read.price_history(ref[0], ref[2])
        if not points:
            return ""
        # Translators: a rate and the day it was first seen ("0.50 since 2025-01-31").
        since = _("{rate} since {day}")
        shown = ", ".join(
            since.format(rate=format_money(p.rate), day=f"{p.seen_at.astimezone():%Y-%m-%d}")
            for p in points[-6:]
        )
        # Translators: {panel} and {service} (its id) name the offer; {prices} lists its rates.
        return _("Price history of {panel} {service}: {prices}").format(
            panel=ref[1], service=left_to_right(ref[2]), prices=shown
        )

    def order_selected(self) -> None:
        refs = self.selected_refs()
        if len(refs) == 1:
            self.order_requested.emit(refs[0][1], refs[0][2])

    def keep_selected(self) -> None:
        self._desk.business.keep_together([(r[0], r[2]) for r in self.selected_refs()])
        self.run_search()

    def split_selected(self) -> None:
        for panel_id, _name, service_id in self.selected_refs():
            self._desk.business.set_alone(panel_id, service_id)
        self.run_search()

    def reset_selected(self) -> None:
        for panel_id, _name, service_id in self.selected_refs():
            self._desk.business.forget_choice(panel_id, service_id)
        self.run_search()

    # --- price changes -------------------------------------------------------------------
    def show_price_moves(self) -> None:
        self.moves.clear()
        for move in self._desk.read.price_moves():
            self.moves.addTopLevelItem(
                QTreeWidgetItem(
                    [
                        move.panel,
                        left_to_right(move.service_id),
                        move.name,
                        format_money(move.old_rate, move.currency),
                        format_money(move.new_rate, move.currency),
                        f"{move.change_percent:+.1f}%",
                        f"{move.changed_at.astimezone():%Y-%m-%d %H:%M}",
                    ]
                )
            )
        count = self.moves.topLevelItemCount()
        self.tabs.setTabText(
            1,
            _("Price changes ({count})").format(count=format_integer(count))
            if count
            else _("Price changes"),
        )
