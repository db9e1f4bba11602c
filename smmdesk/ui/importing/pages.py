"""The two pages of the import wizard, as widgets that show things (the wizard acts).

``SourcePage``: a file to choose, mass-order text to paste, the panel for rows that name
none, and the history of earlier imports. ``RowsPage``: the rows table (an
ImportRowsModel), the summary and totals against each balance, the bar that settles a row
whose outcome is unknown, the progress bar and the buttons of each phase (preview,
placing, done).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.importer import ledger
from smmdesk.core.importer.submit import Progress, Report
from smmdesk.core.importer.validate import Preview, PreviewRow
from smmdesk.core.money import amount_text
from smmdesk.core.vocabulary import IMPORT_COUNTS, import_counts, import_summary
from smmdesk.ui.importing.model import ImportRowsModel

ID_ROLE = Qt.ItemDataRole.UserRole
HISTORY_HEADERS = ("Updated", "File", "Rows", *(title for title, _ in IMPORT_COUNTS))
COLUMN_WIDTHS = (50, 90, 230, 120, 70, 90, 220, 420)
PHASES = ("preview", "placing", "done")


class SourcePage(QWidget):
    def __init__(self, panels: list[str], parent: QWidget | None = None, *, chosen: str = ""):
        super().__init__(parent)
        self.choose_button = QPushButton("Choose a file…", self)
        self.panel_box = QComboBox(self)
        self.panel_box.setObjectName("importPanel")
        self.panel_box.setAccessibleName("Panel for rows that name none")
        self.panel_box.addItems(panels)
        if chosen in panels:  # the panel chosen in the main window, never just the first
            self.panel_box.setCurrentText(chosen)
        self.paste = QPlainTextEdit(self)
        self.paste.setPlaceholderText("Or paste orders here, one per line: service|link|quantity")
        self.paste_button = QPushButton("Check the pasted orders", self)
        self.history = QTableWidget(0, len(HISTORY_HEADERS), self)
        self.history.setHorizontalHeaderLabels(HISTORY_HEADERS)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.reopen_button = QPushButton("Reopen", self)
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addStretch()
        top.addWidget(QLabel("Panel for rows that name none:", self))
        top.addWidget(self.panel_box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.paste, 1)
        layout.addWidget(self.paste_button)
        layout.addWidget(QLabel("Earlier imports (reopen one to finish it):", self))
        layout.addWidget(self.history, 2)
        layout.addWidget(self.reopen_button)

    def show_history(self, records: list[ledger.ImportRecord]) -> None:
        self.history.setRowCount(len(records))
        for row, record in enumerate(records):
            counts = record.counts
            cells = [
                record.updated_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                record.file_name,
                record.row_count,
                *import_counts(counts),
            ]
            for column, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                item.setData(ID_ROLE, record.id)
                self.history.setItem(row, column, item)
        self.history.resizeColumnsToContents()

    def selected_import(self) -> int | None:
        item = self.history.item(self.history.currentRow(), 0)
        return int(item.data(ID_ROLE)) if item is not None else None


class RowsPage(QWidget):
    def __init__(self, model: ImportRowsModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.table = QTableView(self)
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setStretchLastSection(True)  # the status, whole
        self.totals = QLabel(self)
        self.totals.setWordWrap(True)
        self.resolve_bar = self._resolve_bar()
        self.progress = QProgressBar(self)
        self.progress_text = QLabel(self)
        self.back_button = QPushButton("Back", self)
        self.skip_duplicates = QCheckBox("Leave out possible duplicates", self)
        self.place_button = QPushButton("Place", self)
        self.pause_button = QPushButton("Pause", self)
        self.cancel_button = QPushButton("Cancel", self)
        self.again_button = QPushButton("Check again", self)
        self.close_button = QPushButton("Close", self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.skip_duplicates)
        buttons.addStretch()
        for button in (self.place_button, self.pause_button, self.cancel_button,
                       self.again_button, self.close_button):  # fmt: skip
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        for widget in (self.totals, self.resolve_bar, self.progress, self.progress_text):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self._phased = {
            "preview": (self.back_button, self.skip_duplicates, self.place_button,
                        self.resolve_bar),
            "placing": (self.progress, self.progress_text, self.pause_button, self.cancel_button),
            "done": (self.back_button, self.progress, self.progress_text, self.again_button,
                     self.close_button, self.resolve_bar),
        }  # fmt: skip

    def _resolve_bar(self) -> QWidget:
        bar = QWidget(self)
        self.remote_id = QLineEdit(bar)
        self.remote_id.setPlaceholderText("the panel's order id")
        self.mark_placed_button = QPushButton("Mark placed", bar)
        self.resend_button = QPushButton("Send again", bar)
        self.not_placed_button = QPushButton("Not placed", bar)
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Outcome unknown? Check the panel's order list, then:", bar))
        for widget in self.resolve_widgets():
            layout.addWidget(widget)
        layout.addStretch()
        return bar

    def resolve_widgets(self) -> tuple[QWidget, ...]:
        return (self.remote_id, self.mark_placed_button, self.resend_button,
                self.not_placed_button)  # fmt: skip

    def set_phase(self, phase: str) -> None:
        """Show the widgets of a phase: preview, placing or done."""
        shown = self._phased[phase]
        for widget in {w for widgets in self._phased.values() for w in widgets}:
            widget.setVisible(widget in shown)

    def show_preview(self, preview: Preview, to_send: list[PreviewRow]) -> None:
        self.summary.setText(summary_text(preview))
        self.totals.setText(totals_text(preview))
        self.show_place_button(preview, to_send)

    def show_place_button(self, preview: Preview | None, rows: list[PreviewRow]) -> None:
        cost = cost_text(preview, rows) if preview else ""
        self.place_button.setText(f"Place {len(rows)} orders ({cost})" if rows else "Place")
        self.place_button.setEnabled(bool(rows))

    def start_progress(self, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress_text.setText(f"Placing {total} orders…")
        self.pause_button.setText("Pause")
        self.pause_button.setEnabled(True)
        self.cancel_button.setEnabled(True)

    def show_progress(self, progress: Progress, paused: bool) -> None:
        self.progress.setValue(progress.done)
        self.progress_text.setText(
            f"{progress.done} of {progress.total} done: {progress.placed} placed, "
            f"{progress.failed} failed, {progress.unknown} unknown"
            + (" — paused" if paused else "")
        )

    def show_report(self, report: Report, path: Path | None) -> None:
        self.progress_text.setText(report_text(report, path))


def summary_text(preview: Preview) -> str:
    file = preview.file
    kind = "mass-order text" if file.format == "mass" else "CSV"
    lines = [
        f"{file.name or 'pasted text'} ({kind}): {len(preview.rows)} rows — "
        f"{len(preview.to_send)} to place, {len(preview.invalid)} with errors, "
        f"{len(preview.placed)} placed before, {len(preview.unresolved)} to check."
    ]
    return "\n".join([*lines, *preview.notes])


def totals_text(preview: Preview) -> str:
    lines = []
    for t in preview.totals:
        cost = amount_text(t.cost, t.currency)
        known = amount_text(t.balance, t.currency)
        balance = f", balance {known}" if known else ""
        short = " — NOT ENOUGH: add funds, or the panel will refuse the rest" if t.short else ""
        lines.append(f"{t.panel}: {t.rows} orders for {cost}{balance}{short}")
    return "\n".join(lines) or "Nothing to place."


def cost_text(preview: Preview, rows: list[PreviewRow]) -> str:
    parts = []
    for total in preview.totals:
        costs = [r.expected_cost or Decimal(0) for r in rows if r.panel == total.panel]
        if costs:
            parts.append(amount_text(sum(costs, Decimal(0)), total.currency))
    return " + ".join(parts) or "no cost"


def report_text(report: Report, path: Path | None) -> str:
    c = report.counts()
    lines = [import_summary(c)]
    lines += [f"{panel}: {why}" for panel, why in report.stopped.items()]
    if report.canceled:
        lines.append("Canceled: check again to place the rest.")
    if path is not None:
        lines.append(f"Results saved to {path}")
    return "\n".join(lines)
