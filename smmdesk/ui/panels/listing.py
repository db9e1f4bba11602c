"""The panel list: every panel with its balance and currency, low balances highlighted.

``PanelsModel`` (a table model over ``desk.panels()``) re-reads the panels on
``events.panels_changed`` and only the balance cells on ``events.balances_changed``. A
balance under the threshold of the settings is shown in bold red with a warning icon and
says so in its tooltip (never colour alone). A panel whose last refresh failed carries a
warning icon with the reason.

Signals of ``PanelsPane``:
    panel_selected(str)     the reseller picked a panel (its name)
    add_requested()         the "Add panel" button
    manage_requested()      the "Manage panels" button
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.desk import Desk
from smmdesk.core.i18n import N_, _, left_to_right
from smmdesk.core.store import Panel
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.i18n import money_text
from smmdesk.ui.theme import colour, icon

Index = QModelIndex | QPersistentModelIndex


class PanelsModel(QAbstractTableModel):
    """Panels as rows: name, balance (with currency)."""

    NAME, BALANCE = 0, 1
    HEADERS = (N_("Panel"), N_("Balance"))

    def __init__(self, desk: Desk, parent: Any = None):
        super().__init__(parent)
        self._desk = desk
        self._panels: list[Panel] = []
        self._threshold = Decimal(0)
        self._errors: dict[str, str] = {}
        self.reload()

    # --- what changed --------------------------------------------------------------------
    def reload(self) -> None:
        """Read every panel again (panels added, edited or removed)."""
        self.beginResetModel()
        self._panels = self._desk.panels()
        self.endResetModel()

    def update_balances(self) -> None:
        """Re-read the balances; only the balance cells are redrawn."""
        fresh = self._desk.panels()
        if [p.id for p in fresh] != [p.id for p in self._panels]:
            self.reload()
            return
        self._panels = fresh
        self._redraw(self.BALANCE)

    def set_threshold(self, threshold: Decimal) -> None:
        """Balances under ``threshold`` are shown as low (0: none is)."""
        self._threshold = threshold
        self._redraw(self.BALANCE)

    def set_errors(self, errors: dict[str, str]) -> None:
        """Panel name -> why its last refresh failed (empty: every panel answered)."""
        self._errors = dict(errors)
        self._redraw(self.NAME)

    def _redraw(self, column: int) -> None:
        if self._panels:
            last = len(self._panels) - 1
            self.dataChanged.emit(self.index(0, column), self.index(last, column))

    # --- reading -------------------------------------------------------------------------
    def panel_at(self, row: int) -> Panel:
        return self._panels[row]

    def row_of(self, name: str) -> int:
        wanted = name.casefold()
        return next((i for i, p in enumerate(self._panels) if p.name.casefold() == wanted), -1)

    def is_low(self, panel: Panel) -> bool:
        return (
            bool(self._threshold)
            and panel.balance is not None
            and (panel.balance < self._threshold)
        )

    # --- the model -----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._panels)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self.HEADERS[section]) if 0 <= section < len(self.HEADERS) else None
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            if section == self.BALANCE and not self._threshold:
                return _("The low-balance warning is off: set its amount in Settings.")
            if section == self.BALANCE:
                return _("A balance under the amount set in Settings is shown in bold red.")
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._panels):
            return None
        panel = self._panels[index.row()]
        if index.column() == self.NAME:
            return self._name_data(panel, role)
        return self._balance_data(panel, role)

    def _name_data(self, panel: Panel, role: int) -> Any:
        error = self._errors.get(panel.name)
        if role == Qt.ItemDataRole.DisplayRole:
            return panel.name
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [panel.name, left_to_right(panel.url)]
            if error:
                # Translators: {error} says why the panel did not answer.
                lines.append(_("Last refresh failed: {error}").format(error=error))
            return "\n".join(lines)
        if role == Qt.ItemDataRole.DecorationRole and error:  # not the low-balance sign
            return icon("no_answer")
        return None

    def _balance_data(self, panel: Panel, role: int) -> Any:
        low = self.is_low(panel)
        if role == Qt.ItemDataRole.DisplayRole:
            return left_to_right(money_text(panel.balance, panel.currency, missing="—"))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            balance = left_to_right(money_text(panel.balance, panel.currency, missing="—"))
            if panel.balance_at:
                # Translators: {balance} is an amount ("40.00 USD"); {when} a date and time
                # ("2025-12-31 14:05").
                text = _("Balance {balance}, read {when}").format(
                    balance=balance, when=left_to_right(f"{panel.balance_at:%Y-%m-%d %H:%M}")
                )
            else:
                text = _("Balance {balance}, read never").format(balance=balance)
            under = left_to_right(money_text(self._threshold, panel.currency))
            if not self._threshold:
                text += "\n" + _("The low-balance warning is off: set its amount in Settings.")
            elif low:
                # Translators: {threshold} is the amount set in Settings ("50.00 USD").
                text += "\n" + _("Low balance: under {threshold} (Settings).").format(
                    threshold=under
                )
            return text
        if role == Qt.ItemDataRole.ForegroundRole and low:
            return QBrush(QColor(colour("low")))
        if role == Qt.ItemDataRole.FontRole and low:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.DecorationRole and low:
            return icon("low_balance")
        return None


class PanelsPane(QWidget):
    panel_selected = Signal(str)
    add_requested = Signal()
    manage_requested = Signal()

    def __init__(self, desk: Desk, events: DeskEvents, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = PanelsModel(desk, self)
        self.table = QTableView(self)
        self.table.setObjectName("panelsTable")
        self.table.setAccessibleName(_("Panels"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(PanelsModel.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(PanelsModel.BALANCE, QHeaderView.ResizeMode.ResizeToContents)
        add = QPushButton(_("Add…"), self)
        add.setToolTip(_("Add a panel: its API URL and your API key"))
        add.setAccessibleName(_("Add panel"))
        add.clicked.connect(self.add_requested)
        manage = QPushButton(_("Manage…"), self)
        manage.setToolTip(_("Edit, check or remove your panels"))
        manage.setAccessibleName(_("Manage panels"))
        manage.clicked.connect(self.manage_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(manage)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.model.modelReset.connect(self._after_reset)
        events.panels_changed.connect(self.model.reload)
        events.balances_changed.connect(self.model.update_balances)
        self._chosen = ""
        self._after_reset()

    def current_name(self) -> str:
        return self._chosen

    def select(self, name: str) -> None:
        row = self.model.row_of(name)
        if row >= 0:
            self.table.selectRow(row)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            name = self.model.panel_at(current.row()).name
            if name != self._chosen:
                self._chosen = name
                self.panel_selected.emit(name)

    def _after_reset(self) -> None:
        """Keep the chosen panel selected across a reload (or pick the first one)."""
        if self.model.rowCount() == 0:
            self._chosen = ""
            return
        row = self.model.row_of(self._chosen) if self._chosen else -1
        self._chosen = "" if row < 0 else self._chosen
        self.table.selectRow(max(row, 0))
        self.table.resizeColumnToContents(PanelsModel.BALANCE)
