"""OrdersPane: the orders view of the main window.

A filter bar, a toolbar, the orders table (read from SQLite a page at a time, sorted by
clicking a column, several rows selectable, a context menu) and the detail pane of the
chosen order. It keeps itself up to date from DeskEvents: ``orders_added`` and
``orders_changed`` re-read just those orders (``OrdersModel.refresh_rows``), never the whole
table; ``panels_changed`` updates the panel filter.

Layout state (column widths and order, the splitter) for the main window to remember:
``save_state()`` / ``restore_state(data)``.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QByteArray, QPoint, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.desk import Desk
from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import _, left_to_right, ngettext
from smmdesk.core.paths import database_path
from smmdesk.core.store import Order, OrderQuery
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.fit import ColumnFitter
from smmdesk.ui.jobs import Jobs
from smmdesk.ui.orders.actions import OrderActions
from smmdesk.ui.orders.columns import COLUMNS, STATUS_COLUMN
from smmdesk.ui.orders.detail import DetailPane
from smmdesk.ui.orders.filters import FilterBar, named
from smmdesk.ui.orders.model import OrdersModel
from smmdesk.ui.orders.tabs import StatusTabs
from smmdesk.ui.theme import themed

RECOUNT_MS = 150
DETAIL_LEAST = 300  # the details pane, when opened from the menu
MEASURED_ROWS = 40  # rows measured for a column's width when the view is not laid out yet
CELL_PAD, ICON_ROOM = 12, 22  # a cell's text margins; the status dot and its gap
# The columns that tell orders apart get the room; these give way first when it is short.
PRIORITY = {"Service": 150, "Link": 110}
SHRINKABLE = {"Reference": 60, "Panel": 64, "Updated": 70, "Created": 70}
COUNTING_MS = 250


class OrdersPane(QWidget):
    def __init__(
        self, desk: Desk, events: DeskEvents, jobs: Jobs, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ordersPane")
        self.desk = desk
        self.filters = FilterBar([p.name for p in desk.panels()], self)
        self.model = OrdersModel(desk.read, self)
        self.model.set_query(self.filters.query())
        self.table = self._make_table()
        self.detail = DetailPane(desk, self)
        self.order_actions = OrderActions(
            desk, events, jobs, self.selected_orders, self.model.query, self
        )
        self.tabs = StatusTabs(self)
        self.count_label = named(QLabel(), "ordersCount")
        self.notice_label = named(QLabel(), "ordersNotice")
        self._partial_selection = False
        self._orders_moved = True
        self._recount = QTimer(self, singleShot=True, interval=RECOUNT_MS)
        self._recount.timeout.connect(self.update_count)
        # a slow count (a text in most of a million orders) says so instead of an old number
        self._counting = QTimer(self, singleShot=True, interval=COUNTING_MS)
        self._counting.timeout.connect(lambda: self.count_label.setText(_("Counting orders…")))
        self._lay_out()
        self._connect(events)
        self.update_count()
        self._show_empty()

    # --- building -----------------------------------------------------------------------
    def _make_table(self) -> QTableView:
        table = named(QTableView(self), "ordersTable")
        table.setAccessibleName(_("Orders"))
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.setWordWrap(False)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setSectionsMovable(True)
        titles = {spec.title: column for column, spec in enumerate(COLUMNS)}
        self.fitter = ColumnFitter(
            table,
            priority={titles[t]: least for t, least in PRIORITY.items()},
            shrinkable={titles[t]: least for t, least in SHRINKABLE.items()},
            measure=self._measure,
        )
        column, order = self.model.sort_column()
        header.setSortIndicator(column, order)
        table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        return table

    def _measure(self, column: int) -> int:
        """The widest text of ``column`` among the rows in view (the fitter's measure)."""
        table, model = self.table, self.model
        if model.rowCount() == 0:
            return 0
        top = max(table.rowAt(0), 0)
        bottom = table.rowAt(table.viewport().height() - 1)
        bottom = min(model.rowCount() - 1, top + MEASURED_ROWS if bottom < 0 else bottom)
        metrics, text = table.fontMetrics(), COLUMNS[column].text
        widest = max(
            metrics.horizontalAdvance(text(model.order_at(r))) for r in range(top, bottom + 1)
        )
        return widest + CELL_PAD + (ICON_ROOM if column == STATUS_COLUMN else 0)

    def _lay_out(self) -> None:
        toolbar = named(QToolBar(self), "ordersToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setIconSize(QSize(16, 16))
        for group in self.order_actions.groups():
            toolbar.addActions(group)
            toolbar.addSeparator()
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)
        self.details_action = QAction(_("Order &details"), self)
        self.details_action.setObjectName("action_details")
        self.details_action.setCheckable(True)
        self.details_action.setShortcut(QKeySequence("F9"))
        self.details_action.toggled.connect(self.show_details)
        themed(self.details_action, "details")
        self.empty_label = named(QLabel(), "ordersEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextFormat(Qt.TextFormat.RichText)
        over = QVBoxLayout(self.table.viewport())
        over.addWidget(self.empty_label)
        self.splitter.splitterMoved.connect(lambda *_args: self._details_moved())
        status_row = QHBoxLayout()
        status_row.addWidget(self.count_label)
        status_row.addStretch(1)
        status_row.addWidget(self.notice_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(self.tabs)
        layout.addWidget(toolbar)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(status_row)

    def _connect(self, events: DeskEvents) -> None:
        self.filters.filters_changed.connect(self.model.set_filters)
        self.tabs.tab_chosen.connect(
            lambda tab: self.filters.status_box.setCurrentIndex(StatusTabs.choice_of(tab))
        )
        self.filters.status_box.currentIndexChanged.connect(self.tabs.follow_choice)
        self.model.modelReset.connect(self._recount.start)
        for signal in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved):
            signal.connect(self._show_empty)
        self.model.counted.connect(self._show_count)
        self.model.modelReset.connect(self._selection_changed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.selectionModel().currentRowChanged.connect(self._selection_changed)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.order_actions.exported.connect(self._exported)
        events.orders_added.connect(self.refresh_rows)
        events.orders_changed.connect(self.refresh_rows)
        events.panels_changed.connect(self._panels_changed)
        events.book_replaced.connect(lambda: self.model.set_query(self.model.query()))

    # --- what is selected ---------------------------------------------------------------
    def selected_orders(self) -> list[Order]:
        rows = [index.row() for index in self.table.selectionModel().selectedRows()]
        return self.model.orders_at(rows)

    def select_orders(self, order_ids: list[int]) -> None:
        """Select the rows of these orders (those the table holds)."""
        self.table.clearSelection()
        flags = self.table.selectionModel().SelectionFlag
        for order_id in order_ids:
            row = self.model.row_of(order_id)
            if row is not None:
                self.table.selectionModel().select(
                    self.model.index(row, 0), flags.Select | flags.Rows
                )

    # --- reacting -----------------------------------------------------------------------
    def refresh_rows(self, order_ids: list[int]) -> None:
        """Re-read just these orders (DeskEvents.orders_added / orders_changed)."""
        self.model.refresh_rows(order_ids)
        self._orders_moved = True  # the tabs count again, whatever the filters
        self.detail.refresh(order_ids)
        self.order_actions.update_enabled()
        self._recount.start()

    def _selection_changed(self, *_args: object) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        current = self.table.currentIndex().row()
        chosen = rows[0] if len(rows) == 1 else current if current in rows else None
        self.detail.show_order(None if chosen is None else self.model.order_at(chosen).id)
        self.order_actions.update_enabled()
        self._say_selection(len(rows))

    def _say_selection(self, selected: int) -> None:
        """Select all (Ctrl+A) takes the rows loaded so far, not every matching order: say
        so, and how to act on all of them."""
        held = self.model.rowCount()
        if selected and selected == held and not self.model.exhausted:
            total = self.model.count_matching()
            self.notice_label.setText(
                # Translators: {selected} orders shown are selected, of {total} that match.
                ngettext(
                    "{selected} loaded orders selected, of {total} that match: scroll down "
                    "to load more, or use Export all matching.",
                    "{selected} loaded orders selected, of {total} that match: scroll down "
                    "to load more, or use Export all matching.",
                    selected,
                ).format(selected=format_integer(selected), total=format_integer(total))
            )
            self._partial_selection = True
        elif self._partial_selection:
            self.notice_label.clear()
            self._partial_selection = False
        self._orders_moved = True

    def _panels_changed(self) -> None:
        self.filters.set_panels([p.name for p in self.desk.panels()])

    def _sort_indicator_changed(self, column: int, _order: Qt.SortOrder) -> None:
        if COLUMNS[column].sort is None:  # not sortable: keep showing the sort in force
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(*self.model.sort_column())
            header.blockSignals(False)

    def _context_menu(self, at: QPoint) -> None:
        menu = QMenu(self)
        menu.setObjectName("ordersMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for group in self.order_actions.groups():  # only what applies to these orders
            usable = [action for action in group if action.isEnabled()]
            if usable:
                menu.addActions(usable)
                menu.addSeparator()
        menu.popup(self.table.viewport().mapToGlobal(at))

    def show_details(self, on: bool) -> None:
        """Show the chosen order's details beside the table, or fold them away."""
        sizes = self.splitter.sizes()
        total = sum(sizes)
        if on and sizes[1] == 0 and total > 0:
            detail = max(DETAIL_LEAST, total // 4)
            self.splitter.setSizes([total - detail, detail])
        elif not on and sizes[1] > 0:
            self.splitter.setSizes([total, 0])

    def _details_moved(self) -> None:
        shown = self.splitter.sizes()[1] > 0
        if shown != self.details_action.isChecked():
            self.details_action.blockSignals(True)
            self.details_action.setChecked(shown)
            self.details_action.blockSignals(False)

    def _show_empty(self, *_args: object) -> None:
        """Say what to do when the table shows nothing (none yet, or none match)."""
        if self.model.rowCount() > 0:
            self.empty_label.hide()
            return
        if self.desk.read.count_orders(OrderQuery()) == 0:
            text = _(
                "<p style='font-size:13pt'><b>No orders yet</b></p><p>Choose a service above "
                "and place an order, import orders from a file (Ctrl+I),<br>or follow orders "
                "placed on a panel's website by their ids (Ctrl+T).</p>"
            )
        else:
            # Translators: <i>All panels</i>, <i>Any status</i>, <i>Any time</i> are the
            # filters' first choices: write them as their translations say.
            text = _(
                "<p><b>No order matches these filters.</b></p><p>Clear the search or "
                "choose <i>All panels</i>, <i>Any status</i>, <i>Any time</i>.</p>"
            )
        self.empty_label.setText(text)
        self.empty_label.show()

    def update_count(self) -> None:
        """Count the orders matching the filters (done shortly after each change), on a
        worker thread: the label shows it when ready (``_show_count``)."""
        self._recount.stop()
        self._counting.start()
        self.model.count_later()

    def _show_count(self, total: int, more: bool = False) -> None:
        self._counting.stop()
        if more:  # the exact figure follows
            self.count_label.setText(
                ngettext(
                    "More than {count} order (counting…)",
                    "More than {count} orders (counting…)",
                    total,
                ).format(count=format_integer(total))
            )
            return
        self.count_label.setText(
            ngettext("{count} order", "{count} orders", total).format(count=format_integer(total))
        )
        self.tabs.recount(
            database_path(self.desk.folder), self.filters.query(), changed=self._orders_moved
        )
        self._orders_moved = False

    def _exported(self, count: int, path: str) -> None:
        self.notice_label.setText(
            # Translators: {path} is the CSV file written.
            ngettext(
                "Exported {count} orders to {path}", "Exported {count} orders to {path}", count
            ).format(count=format_integer(count), path=left_to_right(path))
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        """Nothing left to run once closed (the desk may close its database next)."""
        self._recount.stop()
        self._counting.stop()
        self.model.stop_counting()
        self.filters.cancel_pending()
        super().closeEvent(event)

    # --- layout state -------------------------------------------------------------------
    def save_state(self) -> QByteArray:
        """Column widths, order and sort, and the splitter, as opaque bytes."""
        state = {
            "header": _base64(self.table.horizontalHeader().saveState()),
            "splitter": _base64(self.splitter.saveState()),
        }
        return QByteArray(json.dumps(state).encode())

    def restore_state(self, data: QByteArray | bytes | str) -> None:
        """Put back what ``save_state`` gave; anything else is ignored."""
        try:
            state = json.loads(data if isinstance(data, str) else bytes(data))  # type: ignore[arg-type]
            header = QByteArray.fromBase64(state["header"].encode())
            splitter = QByteArray.fromBase64(state["splitter"].encode())
        except (ValueError, TypeError, KeyError, AttributeError):
            return
        table_header = self.table.horizontalHeader()
        if table_header.restoreState(header):
            table_header.setStretchLastSection(False)  # older states stretched the last one
            self.fitter.manual = True  # their widths, unless they run off the edge (layout)
            column, order = table_header.sortIndicatorSection(), table_header.sortIndicatorOrder()
            if 0 <= column < len(COLUMNS) and COLUMNS[column].sort is not None:
                self.model.sort(column, order)
            else:
                self._sort_indicator_changed(column, order)
        self.splitter.restoreState(splitter)
        self._details_moved()


def _base64(data: QByteArray) -> str:
    return str(data.toBase64(), "ascii")  # type: ignore[call-overload]
