"""Backups in the program: automatic ones, File > Restore from backup…, File > Export
everything…, the welcome page's "Bring my data", and a damaged order book at start.

Every backup, restore and move runs ``smmdesk.core.backup`` on a worker thread with its own
SQLite connection (SQLite's backup and zlib let the GIL go while they work), so the window
never waits on the disk.

``BackupKeeper`` (the window's ``backups``) backs up on start (once the window has had a few
seconds to load), every ``backup_every`` minutes and on quit, each time only when the order
book changed since the newest backup.
A disk that refuses (full, read-only) is a warning shown once, then a status line. They run
as quiet background tasks, not as Jobs (no progress indicator every half hour).
Signals:
    backup_finished(object)   the new BackupInfo (None: nothing had changed)
    backup_failed(object)     the error (a StorageError when the disk refused)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from smmdesk.core import backup
from smmdesk.core.backup import BackupInfo, Restored
from smmdesk.core.desk import Desk
from smmdesk.core.errors import DamagedDatabase, SmmdeskError
from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import N_, _, left_to_right, ngettext
from smmdesk.core.settings import Settings
from smmdesk.core.threads import in_thread
from smmdesk.ui.errors import show_error

if TYPE_CHECKING:
    from smmdesk.ui.shell.mainwindow import MainWindow

log = logging.getLogger(__name__)
T = TypeVar("T")
# Translators: a file dialog's filter: keep "(*.zip)" as it is.
MOVE_FILTER = N_("smmdesk move or backup files (*.zip)")
START_DELAY_MS = 5000  # the first refresh and the catalog load first


class BackupKeeper(QObject):
    backup_finished = Signal(object)
    backup_failed = Signal(object)

    def __init__(self, desk: Desk, settings: Settings, parent: QWidget):
        super().__init__(parent)
        self._desk, self.settings = desk, settings
        self._timer = QTimer(self)
        self._timer.timeout.connect(lambda: self.backup())
        self._first = QTimer(self)
        self._first.setSingleShot(True)
        self._first.timeout.connect(lambda: self.backup())
        self._running: asyncio.Task[Any] | None = None
        self._warned = self._closed = False
        self.last: BackupInfo | None = None
        self.start_delay_ms = START_DELAY_MS

    def start(self) -> None:
        """A backup soon (when something changed), then one every ``backup_every`` minutes."""
        self._timer.start(self.settings.backup_every * 60_000)
        self._first.start(self.start_delay_ms)

    def set_settings(self, settings: Settings) -> None:
        self.settings = settings
        if self._timer.isActive():
            self._timer.start(settings.backup_every * 60_000)

    def backup(self, *, only_if_changed: bool = True) -> asyncio.Task[Any]:
        """Back up in the background (one at a time); returns its task. Housekeeping, not a
        job: the status bar shows no progress for it, only "Backed up N orders" after."""
        if self._running is not None and (self._closed or not self._running.done()):
            return self._running
        self._running = asyncio.ensure_future(self._work(only_if_changed))
        self._running.add_done_callback(self._finished)
        return self._running

    def _finished(self, task: asyncio.Task[Any]) -> None:
        if task.cancelled():
            return
        error = task.exception()
        if error is None:
            self._done(task.result())
        else:
            self._failed(error)

    async def _work(self, only_if_changed: bool) -> BackupInfo | None:
        return await in_thread(
            backup.backup_now, self._desk.folder, self.settings, only_if_changed=only_if_changed
        )

    async def aclose(self) -> None:
        """Stop the timers; back up one last time when something changed (on quit)."""
        self._closed = True
        self._timer.stop()
        self._first.stop()
        if self._running is not None and not self._running.done():
            await asyncio.wait([self._running])
        try:
            self._done(await self._work(only_if_changed=True))
        except SmmdeskError as error:
            log.warning("the backup on quit failed: %s", error)

    def _done(self, info: BackupInfo | None) -> None:
        if info is not None:
            self.last = info
        self.backup_finished.emit(info)

    def _failed(self, error: BaseException) -> None:
        self.backup_failed.emit(error)
        window = self.parent()
        if not self._warned:
            self._warned = True
            show_error(window, error, _("Backing up the order book"))  # type: ignore[arg-type]
        elif hasattr(window, "status"):
            # Translators: {error} says why.
            window.status.say(_("The backup failed: {error}").format(error=error))


def install(window: MainWindow) -> BackupKeeper:
    """The window's BackupKeeper; "Bring my data" on the welcome page wired up."""
    keeper = BackupKeeper(window.desk, window.settings, window)
    keeper.backup_finished.connect(lambda info: info and window.status.say(backed_up_text(info)))
    window.welcome.bring_requested.connect(lambda: bring_my_data(window))
    return keeper


def backed_up_text(info: BackupInfo) -> str:
    """The status bar's line after a backup: "Backed up 5 orders."."""
    text = ngettext("Backed up {count} order.", "Backed up {count} orders.", info.orders)
    return text.format(count=format_integer(info.orders))


# --- File > Restore from backup… -----------------------------------------------------------
def open_restore(window: MainWindow) -> QWidget:
    from smmdesk.ui.backups.dialogs import RestoreDialog

    dialog = RestoreDialog(window.desk.folder, window.settings, window)
    dialog.restore_requested.connect(lambda path: restore_in_window(window, path))
    dialog.open()
    return dialog


def restore_in_window(window: MainWindow, which: str | Path) -> asyncio.Task[Any]:
    """Restore with the refreshes paused (no write waits on the restore), then redraw."""

    async def work() -> Restored:
        await window.refresher.aclose()
        try:
            return await window.desk.restore(window.settings, which)
        finally:
            window.refresher.start(refresh=False)

    return window.jobs.run(
        work(), _("Restoring a backup"), on_done=lambda restored: _restored(window, restored)
    )


def _restored(window: MainWindow, restored: Restored) -> None:
    """The Desk told every view to read the order book again (it was replaced)."""
    info(window, "restoredBox", restored_text(restored))


def restored_text(restored: Restored) -> str:
    # Translators: {when} is the backup's date and time ("2025-12-31 14:05").
    text = ngettext(
        "Restored the backup of {when}: {count} order.",
        "Restored the backup of {when}: {count} orders.",
        restored.orders,
    ).format(
        when=left_to_right(backup.when(restored.backup)), count=format_integer(restored.orders)
    )
    if restored.kept_aside is not None:
        # Translators: {path} is a file's or folder's path.
        kept = _("What was there before is kept in {path}.")
        text += " " + kept.format(path=left_to_right(str(restored.kept_aside)))
    if restored.salvage is not None:
        text += f" {restored.salvage.summary()}"
    return text


_UNPARENTED: set[QMessageBox] = set()  # boxes shown before the window exists, kept alive


def info(parent: QWidget | None, name: str, text: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, "smmdesk", text, parent=parent)
    box.setObjectName(name)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if parent is None:
        _UNPARENTED.add(box)
        box.finished.connect(lambda _code: _UNPARENTED.discard(box))
    box.open()
    return box


# --- File > Export everything… and "Bring my data" -----------------------------------------
def ask_export_everything(window: MainWindow) -> QFileDialog:
    name = f"smmdesk-move-{datetime.now():%Y-%m-%d}.zip"
    dialog = file_dialog(window, _("Export everything to one file"), "exportEverythingDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.selectFile(name)
    dialog.fileSelected.connect(lambda path: export_everything(window, path))
    dialog.open()
    return dialog


def export_everything(window: MainWindow, path: str) -> asyncio.Task[Any]:
    return window.jobs.run(
        in_thread(backup.move_out, window.desk.folder, window.settings, Path(path)),
        _("Exporting everything"),
        on_done=lambda made: info(window, "exportedBox", exported_text(made.orders, made.path)),
    )


def exported_text(orders: int, path: object) -> str:
    """What Export everything wrote, and what the new computer still needs."""
    # Translators: {path} is the file written; "Bring my data" is the welcome page's button.
    text = ngettext(
        "Wrote {count} order, the catalogs, settings and panels to {path}. API keys are not "
        "in it: on the new computer choose Bring my data, then enter each panel's key.",
        "Wrote {count} orders, the catalogs, settings and panels to {path}. API keys are not "
        "in it: on the new computer choose Bring my data, then enter each panel's key.",
        orders,
    )
    return text.format(count=format_integer(orders), path=left_to_right(str(path)))


def bring_my_data(window: MainWindow) -> QFileDialog:
    dialog = file_dialog(window, _("Bring my data from a move file"), "bringDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.fileSelected.connect(lambda path: bring_in(window, path))
    dialog.open()
    return dialog


def bring_in(window: MainWindow, path: str) -> asyncio.Task[Any]:
    return window.jobs.run(
        window.desk.bring_in(Path(path)),
        _("Bringing your data in"),
        on_done=lambda missing: _brought_in(window, missing),
    )


def _brought_in(window: MainWindow, missing: list[Any]) -> None:
    window.apply_settings(Settings.load(window.desk.folder))  # the ones that came along
    _ask_keys(window, missing)


def _ask_keys(window: MainWindow, missing: list[Any]) -> None:
    """After a move: one panel editor after the other, each asking for its panel's key."""
    if not missing:
        return
    from smmdesk.ui.panels.editor import PanelEditor

    panel, rest = missing[0], missing[1:]
    editor = PanelEditor(window.desk, window.events, window.jobs, panel, parent=window)
    editor.setObjectName("keyEditor")
    editor.result.setText(
        # Translators: {panel} is a panel's name.
        _(
            "Your data is here. Paste the API key of {panel} (keys stay on the old "
            "computer's keyring, never in the file)."
        ).format(panel=panel.name)
    )
    editor.finished.connect(lambda _result: _ask_keys(window, rest) if rest else None)
    editor.open()


def file_dialog(parent: QWidget, title: str, name: str) -> QFileDialog:
    dialog = QFileDialog(parent, title, str(Path.home()))
    dialog.setObjectName(name)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setNameFilter(_(MOVE_FILTER))
    dialog.setDefaultSuffix("zip")
    return dialog


# --- a damaged order book at start ---------------------------------------------------------
async def open_desk_or_restore(open_desk: Callable[[], Desk]) -> Desk:
    """``open_desk()``; when the order book is damaged, offer its latest good backup, restore
    it (the damaged file kept aside, its readable orders recovered) and open again."""
    try:
        return open_desk()
    except DamagedDatabase as damage:
        if damage.latest is None or not await _accepted(damage):
            from smmdesk.ui.shell.session import SessionError

            raise SessionError(damage.user_message) from None
        folder = Path(damage.path).parent
        try:
            restored = await in_thread(backup.restore, folder, Settings.load(folder), "latest")
        except SmmdeskError as error:
            from smmdesk.ui.shell.session import SessionError

            raise SessionError(f"{damage.user_message} {error.user_message}") from None
        desk = open_desk()
        info(None, "restoredBox", restored_text(restored))
        return desk


async def _accepted(damage: DamagedDatabase) -> bool:
    box = QMessageBox(QMessageBox.Icon.Warning, "smmdesk", damage.user_message)
    box.setObjectName("damagedBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    restore = box.addButton(_("Restore the latest backup"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("Quit"), QMessageBox.ButtonRole.RejectRole)
    answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    box.buttonClicked.connect(lambda button: answer.done() or answer.set_result(button is restore))
    box.finished.connect(lambda _code: answer.done() or answer.set_result(False))
    box.open()
    return await answer
