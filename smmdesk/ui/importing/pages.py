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

from smmdesk.core.i18n import N_, _, left_to_right, ngettext
from smmdesk.core.importer import ledger
from smmdesk.core.importer.submit import Progress, Report
from smmdesk.core.importer.validate import Preview, PreviewRow
from smmdesk.core.money import amount_text
from smmdesk.core.vocabulary import IMPORT_COUNTS, import_counts, import_summary
from smmdesk.ui.i18n import keep_left_to_right
from smmdesk.ui.importing.model import ImportRowsModel

ID_ROLE = Qt.ItemDataRole.UserRole
# English; shown translated (the counts' titles are the vocabulary's)
HISTORY_HEADERS = (
    N_("Updated"),
    N_("File"),
    N_("Rows"),
    *(title for title, _states in IMPORT_COUNTS),
)
COLUMN_WIDTHS = (50, 90, 230, 120, 70, 90, 220, 420)
PHASES = ("preview", "placing", "done")


class SourcePage(QWidget):
    def __init__(self, panels: list[str], parent: QWidget | None = None, *, chosen: str = ""):
        super().__init__(parent)
        self.choose_button = QPushButton(_("Choose a file…"), self)
        self.panel_box = QComboBox(self)
        self.panel_box.setObjectName("importPanel")
        self.panel_box.setAccessibleName(_("Panel for rows that name none"))
        self.panel_box.addItems(panels)
        if chosen in panels:  # the panel chosen in the main window, never just the first
            self.panel_box.setCurrentText(chosen)
        self.paste = QPlainTextEdit(self)
        self.paste.setPlaceholderText(
            _("Or paste orders here, one per line: service|link|quantity")
        )
        keep_left_to_right(self.paste)  # services, links and quantities
        self.paste_button = QPushButton(_("Check the pasted orders"), self)
        self.history = QTableWidget(0, len(HISTORY_HEADERS), self)
        self.history.setHorizontalHeaderLabels([_(header) for header in HISTORY_HEADERS])
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.reopen_button = QPushButton(_("Reopen"), self)
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addStretch()
        top.addWidget(QLabel(_("Panel for rows that name none:"), self))
        top.addWidget(self.panel_box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.paste, 1)
        layout.addWidget(self.paste_button)
        layout.addWidget(QLabel(_("Earlier imports (reopen one to finish it):"), self))
        layout.addWidget(self.history, 2)
        layout.addWidget(self.reopen_button)

    def show_history(self, records: list[ledger.ImportRecord]) -> None:
        self.history.setRowCount(len(records))
        for row, record in enumerate(records):
            counts = record.counts
            cells = [
                left_to_right(record.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")),
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
        self.back_button = QPushButton(_("Back"), self)
        self.skip_duplicates = QCheckBox(_("Leave out possible duplicates"), self)
        self.place_button = QPushButton(_("Place"), self)
        self.pause_button = QPushButton(_("Pause"), self)
        self.cancel_button = QPushButton(_("Cancel"), self)
        self.again_button = QPushButton(_("Check again"), self)
        self.close_button = QPushButton(_("Close"), self)
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
        self.remote_id.setPlaceholderText(_("the panel's order id"))
        keep_left_to_right(self.remote_id)
        self.mark_placed_button = QPushButton(_("Mark placed"), bar)
        self.resend_button = QPushButton(_("Send again"), bar)
        self.not_placed_button = QPushButton(_("Not placed"), bar)
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(_("Outcome unknown? Check the panel's order list, then:"), bar))
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
        if rows:
            # Translators: {cost} is what the orders cost ("0.14 USD + 2.00 EUR").
            text = ngettext(
                "Place {count} orders ({cost})", "Place {count} orders ({cost})", len(rows)
            ).format(count=len(rows), cost=cost)
        else:
            text = _("Place")
        self.place_button.setText(text)
        self.place_button.setEnabled(bool(rows))

    def start_progress(self, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress_text.setText(
            ngettext("Placing {count} orders…", "Placing {count} orders…", total).format(
                count=total
            )
        )
        self.pause_button.setText(_("Pause"))
        self.pause_button.setEnabled(True)
        self.cancel_button.setEnabled(True)

    def show_progress(self, progress: Progress, paused: bool) -> None:
        self.progress.setValue(progress.done)
        if paused:
            text = _(
                "{done} of {total} done: {placed} placed, {failed} failed, {unknown} unknown"
                " — paused"
            )
        else:
            text = _("{done} of {total} done: {placed} placed, {failed} failed, {unknown} unknown")
        self.progress_text.setText(
            text.format(
                done=progress.done,
                total=progress.total,
                placed=progress.placed,
                failed=progress.failed,
                unknown=progress.unknown,
            )
        )

    def show_report(self, report: Report, path: Path | None) -> None:
        self.progress_text.setText(report_text(report, path))


def summary_text(preview: Preview) -> str:
    file = preview.file
    kind = _("mass-order text") if file.format == "mass" else _("CSV")
    count = len(preview.rows)
    # Translators: {file} is the file's name (or "pasted text"), {kind} its kind ("CSV",
    # "mass-order text"); the other placeholders are numbers of rows.
    text = ngettext(
        "{file} ({kind}): {count} rows — {to_send} to place, {invalid} with errors, "
        "{placed} placed before, {unresolved} to check.",
        "{file} ({kind}): {count} rows — {to_send} to place, {invalid} with errors, "
        "{placed} placed before, {unresolved} to check.",
        count,
    ).format(
        file=file.name or _("pasted text"),
        kind=kind,
        count=count,
        to_send=len(preview.to_send),
        invalid=len(preview.invalid),
        placed=len(preview.placed),
        unresolved=len(preview.unresolved),
    )
    return "\n".join([text, *preview.notes])


def totals_text(preview: Preview) -> str:
    lines = []
    for t in preview.totals:
        cost = amount_text(t.cost, t.currency)
        known = amount_text(t.balance, t.currency)
        lines.append(_total_line(t.panel, t.rows, cost, known, t.short))
    return "\n".join(lines) or _("Nothing to place.")


def _total_line(panel: str, rows: int, cost: str, balance: str, short: bool) -> str:
    """ "demo: 4 orders for 0.14 USD, balance 1,000.00 USD" (and whether it is enough)."""
    if balance and short:
        text = ngettext(
            "{panel}: {count} orders for {cost}, balance {balance} — NOT ENOUGH: add funds, "
            "or the panel will refuse the rest",
            "{panel}: {count} orders for {cost}, balance {balance} — NOT ENOUGH: add funds, "
            "or the panel will refuse the rest",
            rows,
        )
    elif balance:
        text = ngettext(
            "{panel}: {count} orders for {cost}, balance {balance}",
            "{panel}: {count} orders for {cost}, balance {balance}",
            rows,
        )
    elif short:
        text = ngettext(
            "{panel}: {count} orders for {cost} — NOT ENOUGH: add funds, or the panel will "
            "refuse the rest",
            "{panel}: {count} orders for {cost} — NOT ENOUGH: add funds, or the panel will "
            "refuse the rest",
            rows,
        )
    else:
        text = ngettext(
            "{panel}: {count} orders for {cost}", "{panel}: {count} orders for {cost}", rows
        )
    return text.format(panel=panel, count=rows, cost=cost, balance=balance)


def cost_text(preview: Preview, rows: list[PreviewRow]) -> str:
    parts = []
    for total in preview.totals:
        costs = [r.expected_cost or Decimal(0) for r in rows if r.panel == total.panel]
        if costs:
            parts.append(amount_text(sum(costs, Decimal(0)), total.currency))
    return " + ".join(parts) or _("no cost")


def report_text(report: Report, path: Path | None) -> str:
    c = report.counts()
    lines = [import_summary(c)]
    # Translators: why placing stopped on a panel: "demo: the balance ran out".
    lines += [_("{panel}: {why}").format(panel=p, why=why) for p, why in report.stopped.items()]
    if report.canceled:
        lines.append(_("Canceled: check again to place the rest."))
    if path is not None:
        # Translators: {path} is the file the results were written to.
        lines.append(_("Results saved to {path}").format(path=left_to_right(str(path))))
    return "\n".join(lines)
