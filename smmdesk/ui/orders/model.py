"""OrdersModel: the order history as a Qt table, read from SQLite one page at a time.

The model always holds a *prefix* of what ``store.query_orders`` would return for its query
(filters + sort): opening it over a million orders reads one page; scrolling down asks for
more (``canFetchMore`` / ``fetchMore``: the page after the last row held, read through the
sort's index however far down it is). Clicking a column sorts in SQL (a page's ids first,
then its rows). ``count_later`` counts the matching orders on a worker thread and emits
``counted`` when done: the table never waits for a count.

``refresh_rows(ids)`` re-reads only the given orders and keeps the prefix exact: a row that
no longer matches is removed, a changed row stays (or moves if its sort value changed), a new
or newly matching row is inserted where the database would put it, or left for a later page
when it sorts after the rows held. The model is never reset on a refresh.
"""

from __future__ import annotations

import bisect
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from smmdesk.core.errors import NotFoundLocally
from smmdesk.core.i18n import _
from smmdesk.core.reads import Reads
from smmdesk.core.store import Order, OrderQuery
from smmdesk.ui.orders.columns import (
    COLUMNS,
    LINK_COLUMN,
    STATUS_COLUMN,
    column_of,
    sort_key,
    status_icon,
)
from smmdesk.ui.orders.counting import Counter

PAGE = 200
ORDER_ROLE = Qt.ItemDataRole.UserRole + 1  # the Order of a row

Index = QModelIndex | QPersistentModelIndex


class OrdersModel(QAbstractTableModel):
    counted = Signal(int, bool)  # how many match the filters; True: more than that so far

    def __init__(self, read: Reads, parent: Any = None, *, page: int = PAGE):
        super().__init__(parent)
        self._read = read
        file_name = read.file_name
        self._counter = Counter(file_name, self) if file_name else None  # "": in memory
        if self._counter is not None:
            self._counter.counted.connect(self.counted)
        self._page = page
        self._query = OrderQuery()
        self._rows: list[Order] = []
        self._ids: set[int] = set()
        self._exhausted = True

    # --- the query ------------------------------------------------------------------------
    def query(self) -> OrderQuery:
        """Filters and sort in force (no limit)."""
        return self._query

    def set_query(self, query: OrderQuery) -> None:
        """Show the orders matching ``query`` (its order_by sorts; limit/offset ignored)."""
        self.beginResetModel()
        self._query = replace(query, limit=None, offset=0)
        self._rows, self._ids = [], set()
        self._exhausted = False
        try:
            self._load_page()
        except NotFoundLocally:  # a panel removed a moment ago: its filter goes next
            self._exhausted = True
        finally:
            self.endResetModel()

    def set_filters(self, query: OrderQuery) -> None:
        """New filters from ``query``, keeping the current sort."""
        self.set_query(replace(query, order_by=self._query.order_by))

    def count_matching(self) -> int:
        """How many orders match the filters (all of them, not just the rows held)."""
        try:
            return self._read.count_orders(self._query)
        except NotFoundLocally:
            return 0

    def count_later(self) -> None:
        """Count the orders matching the filters on a worker thread; ``counted`` tells."""
        if self._counter is None:
            self.counted.emit(self.count_matching(), False)
        else:
            self._counter.count(self._query)

    def stop_counting(self) -> None:
        """No count runs or is emitted any more (before the database is closed)."""
        if self._counter is not None:
            self._counter.close()

    # --- rows -------------------------------------------------------------------------
    def order_at(self, row: int) -> Order:
        return self._rows[row]

    def orders_at(self, rows: list[int]) -> list[Order]:
        return [self._rows[row] for row in sorted(set(rows))]

    def row_of(self, order_id: int) -> int | None:
        if order_id not in self._ids:
            return None
        return next(i for i, order in enumerate(self._rows) if order.id == order_id)

    @property
    def exhausted(self) -> bool:
        """Every matching order is held (nothing more to fetch)."""
        return self._exhausted

    # --- Qt's model interface ---------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        order, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[column].text(order)
        if role == Qt.ItemDataRole.DecorationRole and column == STATUS_COLUMN:
            return status_icon(order)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(order, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[column].numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ORDER_ROLE:
            return order
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].header
        if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section].sort is None:
            return _("This column cannot be sorted.")
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted:
            return
        page = self._read_page()
        if page:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
            self._take(page)
            self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        name = COLUMNS[column].sort if 0 <= column < len(COLUMNS) else None
        if name is None:
            return
        order_by = f"-{name}" if order == Qt.SortOrder.DescendingOrder else name
        if order_by != self._query.order_by:
            self.set_query(replace(self._query, order_by=order_by))

    def sort_column(self) -> tuple[int, Qt.SortOrder]:
        descending = self._query.order_by.startswith("-")
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        return column_of(self._query.order_by), order

    # --- updates ------------------------------------------------------------------------
    def refresh_rows(self, ids: list[int]) -> None:
        """Re-read the orders ``ids`` (changed or new) and show them as the query says."""
        wanted = {int(i) for i in ids}
        if not wanted:
            return
        key = sort_key(self._query.order_by)
        held = wanted & self._ids
        try:
            fresh = {o.id: o for o in self._read.orders_by_ids(held, self._query)}
        except NotFoundLocally:  # the filter's panel was just removed: its filter goes next
            return
        to_place = self._update_held(held, fresh, key)
        others = wanted - held
        extra = self._read.orders_by_ids(others, replace(self._query, limit=self._page))
        self._place(sorted([*to_place, *extra], key=key), key)
        if len(extra) == self._page:  # more may match than were read: hold only up to them
            self._truncate_after(key(extra[-1]), key)
        if not self._exhausted and len(self._rows) < self._page:
            self.fetchMore()

    def _update_held(self, held: set[int], fresh: dict[int, Order], key: Any) -> list[Order]:
        """Update rows in place; remove those gone or moved. Returns the moved ones."""
        rows = {order.id: row for row, order in enumerate(self._rows)}
        moved = []
        for row in sorted((rows[i] for i in held), reverse=True):  # removals keep rows above
            old = self._rows[row]
            new = fresh.get(old.id)
            if new is not None and key(new) == key(old):
                self._rows[row] = new
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
                continue
            self._remove(row)
            if new is not None:
                moved.append(new)
        return moved

    def _place(self, orders: list[Order], key: Any) -> None:
        keys = [key(o) for o in self._rows]
        for order in orders:
            k = key(order)
            if not self._exhausted and (not keys or keys[-1] < k):
                continue  # sorts after the rows held: a later page brings it
            at = bisect.bisect_left(keys, k)
            self.beginInsertRows(QModelIndex(), at, at)
            self._rows.insert(at, order)
            self._ids.add(order.id)
            keys.insert(at, k)
            self.endInsertRows()

    def _truncate_after(self, last: Any, key: Any) -> None:
        keys = [key(o) for o in self._rows]
        keep = bisect.bisect_right(keys, last)
        if keep < len(self._rows):
            self.beginRemoveRows(QModelIndex(), keep, len(self._rows) - 1)
            for order in self._rows[keep:]:
                self._ids.discard(order.id)
            del self._rows[keep:]
            self.endRemoveRows()
        self._exhausted = False

    def _remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        self._ids.discard(self._rows.pop(row).id)
        self.endRemoveRows()

    # --- reading ------------------------------------------------------------------------
    def _load_page(self) -> None:
        self._take(self._read_page())

    def _read_page(self) -> list[Order]:
        """The next page (after the last row held): its ids sorted in SQL, then just those
        rows read."""
        after = (
            self._read.sort_key_of(self._rows[-1].id, self._query.order_by) if self._rows else None
        )
        query = replace(self._query, limit=self._page, after=after)
        ids = self._read.order_ids(query)
        if len(ids) < self._page:
            self._exhausted = True
        return self._read.orders_by_ids([i for i in ids if i not in self._ids], self._query)

    def _take(self, page: list[Order]) -> None:
        self._rows.extend(page)
        self._ids.update(order.id for order in page)

    @staticmethod
    def _tooltip(order: Order, column: int) -> str | None:
        if COLUMNS[column].tip is not None:
            return COLUMNS[column].tip(order)
        if column == LINK_COLUMN:
            return order.link
        if column == STATUS_COLUMN:
            return order.error or order.raw_status
        return None
