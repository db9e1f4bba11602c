"""The import wizard: orders from a file (or pasted mass-order text), each placed once.

Two pages (smmdesk.ui.importing.pages). *Source*: choose a file (the system's file dialog) or
paste ``service|link|quantity`` lines, the panel for rows that name none, and the history
of earlier imports (reopen one to see its rows and place what is left; the file itself is
not needed). *Rows*: the preview (errors red, rows to check amber), totals per panel against
each balance, then placing with a progress bar, pause/resume and cancel, and each row's
result as it settles. Rows sent before whose outcome is unknown are never resent: select
one to mark it placed with the panel's order id, send it again, or settle it as not placed.

Everything slow runs through ``Jobs`` on the event loop (reading in a worker thread,
checking and placing cooperatively; full garbage collections kept short, see FREEZE_EVERY),
so the window never freezes. New orders are announced
(the Desk publishes each new order: the views get ``DeskEvents.orders_added``), balances
read again at the end.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QStackedWidget, QVBoxLayout, QWidget

from smmdesk.core.desk import Desk
from smmdesk.core.errors import SmmdeskError
from smmdesk.core.i18n import N_, _
from smmdesk.core.importer import OrderFile, read_order_file
from smmdesk.core.importer.results import result_path, write_results
from smmdesk.core.importer.submit import Control, Progress, Report
from smmdesk.core.importer.validate import Preview, PreviewRow, validate
from smmdesk.core.vocabulary import RowState
from smmdesk.ui.errors import show_error
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.importing.model import ImportRowsModel
from smmdesk.ui.importing.pages import RowsPage, SourcePage
from smmdesk.ui.jobs import Jobs

FILE_FILTER = N_("Order files (*.csv *.txt *.tsv);;All files (*)")
# While placing, what exists is moved to the collector's permanent generation every this many
# rows (gc.freeze): a full collection then scans only what the last rows made, not the whole
# heap (the 10,000-row preview, the loop's pending timers): ~100 ms otherwise. Objects stay
# freed by reference counting; only garbage cycles made before a freeze wait for the next
# interpreter-wide unfreeze.
FREEZE_EVERY = 500
# Files are read (decoded, split) in a worker thread: 10,000 rows take ~50 ms.
_READER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="smmdesk-import-reader")


class ImportWizard(QDialog):
    """Signals: previewed(object) a Preview is shown; progressed(object) a row was settled
    (a Progress); import_finished(object) a run ended (its Report)."""

    previewed = Signal(object)
    progressed = Signal(object)
    import_finished = Signal(object)

    def __init__(
        self,
        desk: Desk,
        events: DeskEvents,
        jobs: Jobs,
        parent: QWidget | None = None,
        *,
        panel: str = "",
    ):
        """``panel``: the panel chosen in the main window, for rows that name none."""
        super().__init__(parent)
        self._desk, self._events, self._jobs = desk, events, jobs
        self.preview: Preview | None = None
        self.report: Report | None = None
        self.control: Control | None = None
        self.result_file: Path | None = None
        self.phase = "source"
        self.setObjectName("importWizard")
        self.setWindowTitle(_("Import orders"))
        self.model = ImportRowsModel(self)
        self.source = SourcePage([p.name for p in desk.panels()], self, chosen=panel)
        self.rows = RowsPage(self.model, self)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.source)
        self.pages.addWidget(self.rows)
        QVBoxLayout(self).addWidget(self.pages)
        self._connect()
        self.resize(980, 620)
        self.load_history()

    def _connect(self) -> None:
        source, rows = self.source, self.rows
        source.choose_button.clicked.connect(self.choose_file)
        source.paste_button.clicked.connect(self.load_paste)
        source.reopen_button.clicked.connect(self.reopen_selected)
        source.history.cellDoubleClicked.connect(lambda *_args: self.reopen_selected())
        rows.table.selectionModel().currentRowChanged.connect(lambda *_args: self._update_resolve())
        rows.skip_duplicates.toggled.connect(lambda *_args: self._update_place_button())
        rows.back_button.clicked.connect(self.back)
        rows.place_button.clicked.connect(self.place)
        rows.pause_button.clicked.connect(self.toggle_pause)
        rows.cancel_button.clicked.connect(self.cancel)
        rows.again_button.clicked.connect(self.recheck)
        rows.close_button.clicked.connect(self.accept)
        rows.mark_placed_button.clicked.connect(self.mark_placed)
        rows.resend_button.clicked.connect(lambda: self._resolve(resend=True))
        rows.not_placed_button.clicked.connect(lambda: self._resolve())

    # --- where the rows come from ------------------------------------------------------------
    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Import orders"), "", _(FILE_FILTER))
        if path:
            self.load_file(path)

    def load_file(self, path: str | Path) -> None:
        path = Path(path)
        # Translators: {file} is the name of the file being read.
        what = _("Reading {file}").format(file=path.name)
        self._check(self._read(path.read_bytes, path.name), what)

    def load_paste(self) -> None:
        text = self.source.paste.toPlainText().strip()
        if text:
            self.load_text(text)

    def load_text(self, text: str) -> None:
        data = text.encode("utf-8")
        # "pasted text" names the import in the ledger and its results file: kept as it is
        self._check(self._read(lambda: data, "pasted text"), _("Reading the pasted orders"))

    def reopen(self, import_id: int) -> None:
        order_file = self._desk.read.stored_file(import_id)
        # Translators: {file} is the name of an imported file.
        self._check(self._validate(order_file), _("Checking {file}").format(file=order_file.name))

    def reopen_selected(self) -> None:
        import_id = self.source.selected_import()
        if import_id is not None:
            self.reopen(import_id)

    def load_history(self) -> None:
        self.source.show_history(self._desk.read.list_imports())

    def back(self) -> None:
        self.load_history()
        self.pages.setCurrentWidget(self.source)

    # --- checking ----------------------------------------------------------------------------
    async def _read(self, load: Callable[[], bytes], name: str) -> Preview:
        def read() -> OrderFile:
            return read_order_file(load(), name=name)

        loop = asyncio.get_running_loop()
        return await self._validate(await loop.run_in_executor(_READER, read))

    async def _validate(self, order_file: OrderFile) -> Preview:
        panel = self.source.panel_box.currentText() or None
        return await validate(self._desk, order_file, panel=panel)

    def _check(self, work: Coroutine[Any, Any, Preview], what: str) -> None:
        gc.freeze()  # a full collection while checking scans only the new rows (FREEZE_EVERY)
        self._busy(True)
        self._jobs.run(work, what, on_done=self.show_preview, on_error=self._failed(what))

    def recheck(self) -> None:
        """Check the same rows again (after settling rows, or to place what is left)."""
        if self.preview is not None:
            self._check(self._validate(self.preview.file), _("Checking the orders again"))

    def show_preview(self, preview: Preview) -> None:
        self._busy(False)
        self.preview, self.report, self.result_file = preview, None, None
        self.model.set_preview(preview)
        self.rows.show_preview(preview, self.rows_to_send())
        self.pages.setCurrentWidget(self.rows)
        self._phase("preview")
        self.previewed.emit(preview)

    def rows_to_send(self) -> list[PreviewRow]:
        if self.preview is None:
            return []
        skip = self.rows.skip_duplicates.isChecked()
        return [r for r in self.preview.to_send if not (skip and r.duplicate)]

    def _update_place_button(self) -> None:
        self.rows.show_place_button(self.preview, self.rows_to_send())

    # --- placing -----------------------------------------------------------------------------
    def place(self) -> None:
        sending = self.rows_to_send()
        if self.preview is None or not sending:
            return
        self.control = Control()
        gc.freeze()  # the preview lives as long as the wizard: no full collection scans it
        self.rows.start_progress(len(sending))
        self._phase("placing")
        work = self._desk.imports.submit(
            self.preview,
            control=self.control,
            on_progress=self._progressed,
            skip_duplicates=self.rows.skip_duplicates.isChecked(),
        )
        self._jobs.run(work, _("Placing orders"), on_done=self._placed, on_error=self._not_placed)

    def _progressed(self, progress: Progress) -> None:
        if progress.done % FREEZE_EVERY == 0:
            gc.freeze()
        self.rows.show_progress(progress, bool(self.control and self.control.paused))
        if progress.row is not None:
            self.model.set_result(progress.row)
        self.progressed.emit(progress)

    def toggle_pause(self) -> None:
        if self.control is None:
            return
        if self.control.paused:
            self.control.resume()
        else:
            self.control.pause()
        self.rows.pause_button.setText(_("Resume") if self.control.paused else _("Pause"))

    def cancel(self) -> None:
        if self.control is not None:
            self.control.cancel()
            self.rows.pause_button.setEnabled(False)
            self.rows.cancel_button.setEnabled(False)
            self.rows.progress_text.setText(_("Canceling: finishing the orders already sent…"))

    def _placed(self, report: Report) -> None:
        self.report = report
        self.model.set_report(report)
        try:
            path = result_path(self._desk.folder, report.import_id, report.file_name)
            self.result_file = write_results(path, report.rows)
        except SmmdeskError as exc:
            show_error(self, exc, _("Saving the import's results"))
        self.rows.show_report(report, self.result_file)
        self._phase("done")
        panels = sorted({row.panel for row in report.rows if row.panel})
        self._jobs.run(self._refresh_balances(panels), _("Reading balances"))
        self.import_finished.emit(report)

    def _not_placed(self, error: BaseException) -> None:
        self._phase("done")
        show_error(self, error, _("Placing orders"))

    async def _refresh_balances(self, panels: list[str]) -> None:
        for name in panels:
            try:
                await self._desk.refresh_balance(name)  # the views hear of it
            except SmmdeskError:
                continue  # the next preview reads it again

    def reject(self) -> None:
        """Closing while placing cancels between rows (the orders in flight are settled)."""
        if self.phase == "placing":
            self.cancel()
        super().reject()

    # --- rows whose outcome is unknown ---------------------------------------------------------
    def selected_row(self) -> int | None:
        index = self.rows.table.currentIndex()
        return self.model.preview_row(index.row()).number if index.isValid() else None

    def _update_resolve(self) -> None:
        index = self.rows.table.currentIndex()
        unknown = False
        if index.isValid() and self.preview is not None and self.phase != "placing":
            row = self.model.preview_row(index.row())
            result = self.model.result(row.number)
            unknown = result.state is RowState.UNKNOWN if result else row.unresolved
        for widget in self.rows.resolve_widgets():
            widget.setEnabled(unknown)

    def mark_placed(self) -> None:
        remote_id = self.rows.remote_id.text().strip()
        if remote_id:
            self._resolve(remote_id=remote_id)
        else:
            self.rows.remote_id.setFocus()

    def _resolve(self, *, remote_id: str | None = None, resend: bool = False) -> None:
        number = self.selected_row()
        content_hash = self.preview.file.content_hash if self.preview else ""
        record = self._desk.read.find_import(content_hash)
        if number is None or record is None:
            return
        try:
            self._desk.imports.resolve_row(record.id, number, remote_id=remote_id, resend=resend)
        except SmmdeskError as exc:
            show_error(self, exc, _("Settling the row"))
            return
        self.rows.remote_id.clear()
        self.recheck()

    # --- helpers -----------------------------------------------------------------------------
    def _phase(self, phase: str) -> None:
        self.phase = phase
        self.rows.set_phase(phase)
        self._update_resolve()

    def _busy(self, busy: bool) -> None:
        for button in (self.source.choose_button, self.source.paste_button,
                       self.source.reopen_button, self.rows.again_button):  # fmt: skip
            button.setEnabled(not busy)
        if busy:
            self.rows.place_button.setEnabled(False)
        else:
            self._update_place_button()

    def _failed(self, what: str) -> Callable[[BaseException], None]:
        def failed(error: BaseException) -> None:
            self._busy(False)
            show_error(self, error, what)

        return failed
