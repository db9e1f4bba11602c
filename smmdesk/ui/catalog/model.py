"""The service catalog as Qt models: a tree grouped by category (or a flat list), and the
proxy that searches as you type and sorts (by rate, bounds, name ...).

``CatalogModel`` rows: categories (bold, with their service count) holding services when
``grouped``; services only otherwise. Columns: service, id, type, rate, min, max, refill,
cancel, drip-feed. ``SORT_ROLE`` gives each cell a Python value to sort on (Decimal rates,
int bounds), ``SERVICE_ROLE`` the ``Service`` of a row.

``CatalogFilter`` keeps services whose id, name, type or category hold every word typed;
categories stay while one of their services does. Category rows always sort by name.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont

from smmdesk.core.api.models import Service
from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import N_, _, left_to_right
from smmdesk.core.ordertypes import CostRule, spec_for
from smmdesk.ui.i18n import money_text
from smmdesk.ui.theme import icon

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
SERVICE_ROLE = Qt.ItemDataRole.UserRole + 2
# The column titles and their tips (translated where shown).
COLUMNS = (N_("Service"), N_("ID"), N_("Type"), N_("Rate"), N_("Min"), N_("Max"), N_("Refill"),
           N_("Cancel"), N_("Drip"))  # fmt: skip
HEADER_TIPS = {
    3: N_("Price per 1000 units (packages: the price of one order)"),
    6: N_("Refill: the panel tops the order up again if it drops"),
    7: N_("Cancel: the order can be canceled while it runs"),
    8: N_("Drip-feed: the quantity sent in runs, at an interval"),
}
NAME, ID, TYPE, RATE, MIN, MAX, REFILL, CANCEL, DRIPFEED = range(len(COLUMNS))
_TOP = 0  # internalId of top-level rows; services under category n carry n + 1


def is_flat(service: Service) -> bool:
    """The rate is the price of one order (package types), not a price per 1000."""
    return spec_for(service).cost is CostRule.FLAT


def type_text(service: Service) -> str:
    if service.type_name:
        return service.type_name
    # Translators: {type} is the service type as the panel sent it ("Custom Likes").
    return _("{type} (unknown type)").format(type=service.type)


def rate_text(service: Service, currency: str = "") -> str:
    """The rate with its unit: "0.90 USD per 1000", "25.00 USD per order"."""
    rate = left_to_right(money_text(service.rate, currency, cents=False))
    if is_flat(service):
        # Translators: {rate} is a price with its currency ("25.00 USD").
        return _("{rate} per order").format(rate=rate)
    # Translators: {rate} is a price with its currency ("0.90 USD").
    return _("{rate} per 1000").format(rate=rate)


class CatalogModel(QAbstractItemModel):
    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._categories: list[str] = []
        self._children: list[list[Service]] = []
        self._flat: list[Service] = []
        self.grouped = True
        self.currency = ""
        self.favourites: set[str] = set()

    def set_services(self, services: list[Service], currency: str = "") -> None:
        """Show ``services`` (catalog order; categories in order of first appearance)."""
        self.beginResetModel()
        self.currency = currency or ""
        self._flat = list(services)
        by_category: dict[str, list[Service]] = {}
        for service in services:
            # Translators: the category of services the panel put in none.
            by_category.setdefault(service.category or _("Other"), []).append(service)
        self._categories = list(by_category)
        self._children = list(by_category.values())
        self.endResetModel()

    def set_grouped(self, grouped: bool) -> None:
        if grouped != self.grouped:
            self.beginResetModel()
            self.grouped = grouped
            self.endResetModel()

    def services(self) -> list[Service]:
        return list(self._flat)

    def set_favourites(self, ids: set[str]) -> None:
        """Mark these services with a star (the name column)."""
        self.favourites = set(ids)
        roles = [Qt.ItemDataRole.DecorationRole]
        if not self.grouped and self._flat:
            self.dataChanged.emit(self.index(0, NAME), self.index(len(self._flat) - 1, NAME), roles)
        elif self.grouped:
            for number, children in enumerate(self._children):
                parent = self.index(number, 0)
                last = self.index(len(children) - 1, NAME, parent)
                self.dataChanged.emit(self.index(0, NAME, parent), last, roles)

    def service_at(self, index: Index) -> Service | None:
        if not index.isValid():
            return None
        if self.grouped:
            if index.internalId() == _TOP:
                return None
            return self._children[index.internalId() - 1][index.row()]
        return self._flat[index.row()]

    def index_of(self, service_id: str) -> QModelIndex:
        """The index (column 0) of a service by id; invalid when it is not listed."""
        if not self.grouped:
            for row, service in enumerate(self._flat):
                if service.id == service_id:
                    return self.index(row, 0)
            return QModelIndex()
        for number, children in enumerate(self._children):
            for row, service in enumerate(children):
                if service.id == service_id:
                    return self.index(row, 0, self.index(number, 0))
        return QModelIndex()

    # --- structure -----------------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _TOP)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, child: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not child.isValid() or child.internalId() == _TOP:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, _TOP)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._categories) if self.grouped else len(self._flat)
        if self.grouped and parent.column() == 0 and parent.internalId() == _TOP:
            return len(self._children[parent.row()])
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.service_at(index) is None:
            return Qt.ItemFlag.ItemIsEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | (Qt.ItemFlag.ItemNeverHasChildren)
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section])
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = HEADER_TIPS.get(section)
            return _(tip) if tip else None
        return None

    # --- cells ---------------------------------------------------------------------------
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        service = self.service_at(index)
        if service is None:
            return self._category_data(index, role)
        if role == SERVICE_ROLE:
            return service
        if role == SORT_ROLE:
            return _sort_value(service, index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(service, index.column())
        if role == Qt.ItemDataRole.DecorationRole and index.column() == NAME:
            return icon("favourite") if service.id in self.favourites else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() >= REFILL and _flag(service, index.column()) is None:
                # Translators: {column} is a column's title ("Refill"), {note} a sentence.
                text = _("{column}: {note}")
                return text.format(column=_(COLUMNS[index.column()]), note=_(NOT_SAID))
            if index.column() == TYPE:
                return type_text(service)
            first = f"{left_to_right(service.id)} · {service.name}"
            return f"{first}\n{rate_text(service, self.currency)}"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (ID, RATE, MIN, MAX):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= REFILL:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def category_name(self, index: Index) -> str:
        """The category of a category row ("" for a service row)."""
        if not index.isValid() or not self.grouped or index.internalId() != _TOP:
            return ""
        return self._categories[index.row()]

    def _category_data(self, index: Index, role: int) -> Any:
        name = self._categories[index.row()]
        if role == Qt.ItemDataRole.DisplayRole and index.column() == NAME:
            return f"{name} ({format_integer(len(self._children[index.row()]))})"
        if role == SORT_ROLE:
            return name.casefold()
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _text(self, service: Service, column: int) -> str:
        if column == NAME:
            return service.name
        if column == ID:
            return left_to_right(service.id)
        if column == TYPE:
            return type_text(service)
        if column == RATE:
            rate = money_text(service.rate, cents=False)
            # Translators: {rate} is the price of one order of a package ("25.00").
            return _("{rate} flat").format(rate=rate) if is_flat(service) else rate
        if column in (MIN, MAX):
            return format_integer(service.min if column == MIN else service.max)
        return flag_text(_flag(service, column))


NOT_SAID = N_("The catalog does not say: you can try it, the panel answers.")


def flag_text(flag: bool | None) -> str:
    """A catalog option: offered ("Yes"), not offered ("No"), or not said ("—")."""
    return "—" if flag is None else _("Yes") if flag else _("No")


def _flag(service: Service, column: int) -> bool | None:
    flags = {REFILL: service.refill, CANCEL: service.cancel, DRIPFEED: service.dripfeed}
    return flags[column]


def _sort_value(service: Service, column: int) -> Any:
    values: dict[int, Any] = {
        NAME: service.name.casefold(),
        ID: (int(service.id) if service.id.isdigit() else 0, service.id),
        TYPE: type_text(service).casefold(),
        RATE: service.rate,
        MIN: service.min,
        MAX: service.max,
        REFILL: _flag_rank(service.refill),
        CANCEL: _flag_rank(service.cancel),
        DRIPFEED: _flag_rank(service.dripfeed),
    }
    return values[column]


def _flag_rank(flag: bool | None) -> int:
    return 1 if flag is None else 2 if flag else 0


class CatalogFilter(QSortFilterProxyModel):
    """Search as you type (every word must appear) and sort on Python values."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._words: list[str] = []
        self._only: set[str] | None = None
        self.setRecursiveFilteringEnabled(True)
        self.setSortRole(SORT_ROLE)

    def set_search(self, text: str) -> None:
        self._refilter(words=text.casefold().split())

    def set_only(self, ids: set[str] | None) -> None:
        """Keep only these services (favourites, recently used); None: all of them."""
        self._refilter(only=None if ids is None else set(ids))

    def _refilter(self, **changes: Any) -> None:
        if not hasattr(self, "beginFilterChange"):  # Qt before 6.10
            self._apply(changes)
            self.invalidateFilter()
            return
        self.beginFilterChange()
        self._apply(changes)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _apply(self, changes: dict[str, Any]) -> None:
        if "words" in changes:
            self._words = changes["words"]
        if "only" in changes:
            self._only = changes["only"]

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, CatalogModel):
            return True
        service = model.service_at(model.index(source_row, 0, source_parent))
        if service is None:  # a category: kept when one of its services is (recursive)
            return not self._words and self._only is None
        if self._only is not None and service.id not in self._only:
            return False
        haystack = " ".join(
            (service.id, service.name, service.type, type_text(service), service.category)
        ).casefold()
        return all(word in haystack for word in self._words)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A category row counts the services the search keeps, not all of them."""
        filtered = self._words or self._only is not None
        if role == Qt.ItemDataRole.DisplayRole and index.column() == NAME and filtered:
            model = self.sourceModel()
            if isinstance(model, CatalogModel):
                name = model.category_name(self.mapToSource(index))
                if name:
                    return f"{name} ({format_integer(self.rowCount(index))})"
        return super().data(index, role)

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if not left.parent().isValid() and self._is_category(left):
            # categories keep their A-Z order whichever way services are sorted
            descending = self.sortOrder() == Qt.SortOrder.DescendingOrder
            return (a > b) if descending else (a < b)
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)

    def _is_category(self, index: Index) -> bool:
        model = self.sourceModel()
        return isinstance(model, CatalogModel) and model.grouped and model.service_at(index) is None

    def service_at(self, index: Index) -> Service | None:
        model = self.sourceModel()
        if not isinstance(model, CatalogModel):
            return None
        return model.service_at(self.mapToSource(index))
