"""ImportRowsModel: the rows of an import as a Qt table, from the preview to the results.

One row per file row: row number, panel, service, type, quantity, expected cost, link and a
status that says what will happen (or happened) and why. Rows with an error are tinted red,
rows to check (possible duplicates, outcome unknown) amber, placed rows green; the full text
is in the tooltip. ``set_preview`` fills it; ``set_result`` updates one row as it is settled
(one ``dataChanged``, never a reset), ``set_report`` all rows at the end.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import N_, _, left_to_right
from smmdesk.core.importer.ledger import SENDABLE, RowState
from smmdesk.core.importer.submit import Report, RowResult
from smmdesk.core.importer.validate import Preview, PreviewRow
from smmdesk.core.money import amount_text, format_money
from smmdesk.core.vocabulary import row_preview, row_result
from smmdesk.ui.theme import colour, mode

Index = QModelIndex | QPersistentModelIndex
NUMBER_ROLE = Qt.ItemDataRole.UserRole + 1  # the row number in the file
ERROR_ROLE = Qt.ItemDataRole.UserRole + 2  # the row's error text, or None
KIND_ROLE = Qt.ItemDataRole.UserRole + 3  # a tint: "error", "check", RowState.PLACED, "ok"

TINTS = {
    "error": QBrush(QColor("#fde7e9")),
    "check": QBrush(QColor("#fff4ce")),
    RowState.PLACED: QBrush(QColor("#e6f4ea")),
}
DARK_TINTS = {
    "error": QBrush(QColor("#4a2326")),
    "check": QBrush(QColor("#433a1c")),
    RowState.PLACED: QBrush(QColor("#1f3a28")),
}

_RESULT_KINDS = {
    RowState.PLACED: RowState.PLACED,
    RowState.FAILED: "error",
    RowState.INVALID: "error",
    RowState.UNKNOWN: "check",
    RowState.SKIPPED: "check",
}


class ImportRowsModel(QAbstractTableModel):
    # Translators: "Qty" is the quantity of an order, in a narrow column.
    HEADERS = (N_("Row"), N_("Panel"), N_("Service"), N_("Type"), N_("Qty"), N_("Cost"),
               N_("Link"), N_("Status"))  # fmt: skip
    ROW, PANEL, SERVICE, TYPE, QTY, COST, LINK, STATUS = range(8)

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[PreviewRow] = []
        self._results: dict[int, RowResult] = {}
        self._index: dict[int, int] = {}  # row number -> model row

    # --- filling ---------------------------------------------------------------------------
    def set_preview(self, preview: Preview | None) -> None:
        self.beginResetModel()
        self._rows = list(preview.rows) if preview else []
        self._results = {}
        self._index = {row.number: i for i, row in enumerate(self._rows)}
        self.endResetModel()

    def set_result(self, result: RowResult) -> None:
        """One row was settled: redraw just that row."""
        position = self._index.get(result.number)
        if position is None:
            return
        self._results[result.number] = result
        self.dataChanged.emit(self.index(position, 0), self.index(position, self.STATUS))

    def set_report(self, report: Report) -> None:
        self._results = {result.number: result for result in report.rows}
        if self._rows:
            last = self.index(len(self._rows) - 1, self.STATUS)
            self.dataChanged.emit(self.index(0, 0), last)

    def preview_row(self, position: int) -> PreviewRow:
        return self._rows[position]

    def result(self, number: int) -> RowResult | None:
        return self._results.get(number)

    # --- Qt --------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self.HEADERS[section]) if 0 <= section < len(self.HEADERS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COST and row.expected_cost is not None:
                return format_money(row.expected_cost, row.currency, grouping=True)  # exact
            return self.status_text(row) if column in (self.STATUS, self.LINK) else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return (TINTS if mode() == "light" else DARK_TINTS).get(self.kind(row))
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATUS:
            return QBrush(QColor(colour("problem"))) if self.kind(row) == "error" else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.ROW, self.QTY, self.COST):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == NUMBER_ROLE:
            return row.number
        if role == ERROR_ROLE:
            return self._error(row)
        if role == KIND_ROLE:
            return self.kind(row)
        return None

    # --- what a row says -------------------------------------------------------------------
    def kind(self, row: PreviewRow) -> str:
        """How a row is tinted: error, check (look at it), placed, or ok."""
        result = self._results.get(row.number)
        if result is not None:
            return _RESULT_KINDS.get(result.state, "ok")
        if row.state is RowState.PLACED:
            return RowState.PLACED
        if row.unresolved or row.duplicate:
            return "check"
        return "error" if row.error and row.state in SENDABLE else "ok"

    def status_text(self, row: PreviewRow) -> str:
        result = self._results.get(row.number)
        if result is not None:
            return row_result(result.state, result.remote_id, result.error)
        return row_preview(row)

    def _error(self, row: PreviewRow) -> str | None:
        result = self._results.get(row.number)
        if result is not None:
            return result.error if result.state is not RowState.PLACED else None
        return row.error

    def _display(self, row: PreviewRow, column: int) -> Any:
        if column == self.ROW:
            return str(row.number)
        if column == self.PANEL:
            return row.panel or ""
        if column == self.SERVICE:
            return f"{row.service_id} {row.service_name or ''}".strip() if row.service_id else ""
        if column == self.TYPE:
            return row.type_name or ""
        if column == self.QTY:
            return format_integer(row.quantity) if row.quantity is not None else ""
        if column == self.COST:
            return amount_text(row.expected_cost, row.currency)
        if column == self.LINK:
            return left_to_right(row.link or "")
        return self.status_text(row)
