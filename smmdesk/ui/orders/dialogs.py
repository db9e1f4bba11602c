"""The orders view's dialogs: a confirmation, per-order results, and the panel's order id.

Every dialog is opened with ``open()`` (window-modal, no nested event loop: background work
keeps running) and deletes itself when closed. The caller keeps the returned dialog as long
as it wants to look at it (tests accept a confirmation by clicking its ``accept_button``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.i18n import N_, _, left_to_right
from smmdesk.ui.i18n import keep_left_to_right


@dataclass(frozen=True)
class Result:
    """What happened to one order of a bulk action."""

    order_id: int | None  # local id (None: the panel answered about an id smmdesk lacks)
    panel: str
    remote_id: str | None
    ok: bool
    message: str


def confirm(
    parent: QWidget,
    title: str,
    text: str,
    details: str,
    accept_label: str,
    on_accepted: Callable[[], None],
) -> QMessageBox:
    """Ask before doing something; ``on_accepted`` runs only when the reseller agrees."""
    box = QMessageBox(parent)
    box.setObjectName("confirmBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(details)
    accept = box.addButton(accept_label, QMessageBox.ButtonRole.AcceptRole)
    # Translators: the button that answers no to a confirmation ("Cancel 2 orders?").
    box.setDefaultButton(box.addButton(_("Don't"), QMessageBox.ButtonRole.RejectRole))
    accept.clicked.connect(on_accepted)
    box.accept_button = accept  # type: ignore[attr-defined]
    box.open()
    return box


class ResultsDialog(QDialog):
    """One row per order: did the panel accept, and what it said."""

    HEADERS = (N_("Order"), N_("Panel"), N_("Panel's order id"), N_("Result"), N_("Message"))

    def __init__(self, parent: QWidget, title: str, summary: str, results: list[Result]):
        super().__init__(parent)
        self.setObjectName("resultsDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(title)
        self.results = results
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(len(results), len(self.HEADERS))
        self.table.setHorizontalHeaderLabels([_(header) for header in self.HEADERS])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for row, result in enumerate(results):
            self._fill(row, result)
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(720, 360)

    def _fill(self, row: int, result: Result) -> None:
        values = (
            "" if result.order_id is None else left_to_right(f"#{result.order_id}"),
            result.panel,
            left_to_right(result.remote_id or ""),
            _("OK") if result.ok else _("Not done"),
            result.message,
        )
        for column, value in enumerate(values):
            self.table.setItem(row, column, QTableWidgetItem(value))
            if column == 3:
                colour = "#27ae60" if result.ok else "#d64545"
                self.table.item(row, column).setForeground(QColor(colour))  # type: ignore[union-attr]

    def texts(self) -> list[tuple[str, ...]]:
        """The table's text, row by row."""
        return [
            tuple(self.table.item(r, c).text() for c in range(len(self.HEADERS)))  # type: ignore[union-attr]
            for r in range(self.table.rowCount())
        ]


def ask_remote_id(
    parent: QWidget, order_id: int, panel: str, on_entered: Callable[[str], None]
) -> QInputDialog:
    """Ask for the panel's id of an order whose outcome is unknown."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("remoteIdDialog")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    # Translators: {id} is smmdesk's number of the order.
    dialog.setWindowTitle(_("Order #{id} was placed").format(id=left_to_right(str(order_id))))
    dialog.setLabelText(
        # Translators: {panel} is the name the reseller gave the panel.
        _(
            'Look up the order in your order list on "{panel}" and enter the order id the '
            "panel shows for it:"
        ).format(panel=panel)
    )
    dialog.setOkButtonText(_("Mark as placed"))
    dialog.textValueSelected.connect(on_entered)
    dialog.open()
    edit = dialog.findChild(QLineEdit)
    if edit is not None:  # the id the reseller types reads left to right
        keep_left_to_right(edit)
    return dialog
