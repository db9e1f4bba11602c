"""File > Restore from backup…: the backups with their time, kind and order count; and the
backup settings' part of the settings dialog.

Signals of ``RestoreDialog``:
    restore_requested(str)    restore this backup file (the dialog closes)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core import backup
from smmdesk.core.backup import BackupInfo
from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import N_, _, left_to_right, ngettext
from smmdesk.core.settings import Settings, int_range
from smmdesk.ui.i18n import counted_suffix, keep_left_to_right

# The kinds of backup and the column titles (translated where shown).
KINDS = {
    "backup": N_("automatic"),
    "before-restore": N_("before a restore"),
    "move": N_("move file"),
}
HEADERS = (N_("When"), N_("Kind"), N_("Orders"), N_("Size"))


class RestoreDialog(QDialog):
    restore_requested = Signal(str)

    def __init__(self, folder: Path, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle(_("Restore from backup"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        where = backup.backups_dir(folder, settings)
        self.backups, unreadable = backup.list_backups(where)
        note = QLabel(
            # Translators: {folder} is a folder's path.
            _("Backups in {folder}. Restoring replaces the order book with the one chosen; "
              "the current one is first kept as a backup of its own.").format(
                folder=left_to_right(str(where))
            ), self
        )  # fmt: skip
        note.setWordWrap(True)
        self.table = QTableWidget(len(self.backups), len(HEADERS), self)
        self.table.setObjectName("backupList")
        self.table.setHorizontalHeaderLabels([_(title) for title in HEADERS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for row, info in enumerate(self.backups):
            for column, text in enumerate(_cells(info)):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        if self.backups:
            self.table.selectRow(0)
        self.problems = QLabel("\n".join(f"{p.name}: {why}" for p, why in unreadable), self)
        self.problems.setVisible(bool(unreadable))
        self.problems.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.restore_button = QPushButton(_("Restore this backup"), self)
        self.restore_button.setObjectName("restoreChosen")
        self.restore_button.setEnabled(bool(self.backups))
        self.restore_button.clicked.connect(self.restore_chosen)
        self.file_button = QPushButton(_("Choose a file…"), self)
        self.file_button.clicked.connect(self.choose_file)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.resize(560, 360)

    def chosen(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def restore_chosen(self) -> None:
        info = self.chosen()
        if info is not None:
            self.accept()
            self.restore_requested.emit(str(info.path))

    def choose_file(self) -> QFileDialog:
        from smmdesk.ui.backups.flows import MOVE_FILTER

        dialog = QFileDialog(self, _("Restore from a backup file"))
        dialog.setObjectName("restoreFileDialog")
        dialog.setNameFilter(MOVE_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self._file_chosen)
        dialog.open()
        self.file_dialog = dialog
        return dialog

    def _file_chosen(self, path: str) -> None:
        self.accept()
        self.restore_requested.emit(path)


def _cells(info: BackupInfo) -> tuple[str, ...]:
    if info.size >= 100_000:
        # Translators: {size} is a number of megabytes ("1.5").
        size = _("{size} MB").format(size=f"{info.size / 1_000_000:.1f}")
    else:
        # Translators: {size} is a number of kilobytes ("84").
        size = _("{size} KB").format(size=format_integer(info.size // 1000))
    kind = _(KINDS[info.kind]) if info.kind in KINDS else info.kind
    return (backup.when(info), kind, format_integer(info.orders), left_to_right(size))


class BackupSettingsBox(QGroupBox):
    """The backup settings in the settings dialog: the folder, how often, how many kept."""

    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(_("Backups of the order book"), parent)
        self.setObjectName("backupSettings")
        self.folder = QLineEdit(settings.backup_folder, self)
        self.folder.setObjectName("backupFolder")
        self.folder.setPlaceholderText(_("backups/ in the data folder"))
        self.folder.setToolTip(_("An external drive or a synced folder keeps them off this disk"))
        keep_left_to_right(self.folder)
        choose = QPushButton(_("Choose…"), self)
        choose.clicked.connect(self.choose_folder)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(choose)
        # Translators: the units after the numbers of these settings, with their leading space.
        self.every = self._spin(
            settings, "backup_every", lambda n: ngettext(" minute", " minutes", n)
        )
        self.keep_last = self._spin(
            settings, "backup_keep_last", lambda n: ngettext(" backup", " backups", n)
        )
        self.keep_days = self._spin(
            settings, "backup_keep_days", lambda n: ngettext(" day", " days", n)
        )
        self.keep_weeks = self._spin(
            settings, "backup_keep_weeks", lambda n: ngettext(" week", " weeks", n)
        )
        form = QFormLayout(self)
        form.addRow(_("Folder"), row)
        form.addRow(_("Back up every"), self.every)
        form.addRow(_("Keep the last"), self.keep_last)
        # Translators: follows "Keep the last [10 backups]" on the next line of the form.
        form.addRow(_("and one a day for"), self.keep_days)
        form.addRow(_("and one a week for"), self.keep_weeks)

    def _spin(self, settings: Settings, name: str, unit: Callable[[int], str]) -> QSpinBox:
        """A spin box for setting ``name``, within the limits it declares; ``unit`` gives
        the word after the number in the form the number takes."""
        spin = QSpinBox(self)
        spin.setRange(*int_range(name))
        spin.setValue(getattr(settings, name))
        counted_suffix(spin, unit)
        return spin

    def choose_folder(self) -> QFileDialog:
        dialog = QFileDialog(self, _("Keep backups in"), self.folder.text() or str(Path.home()))
        dialog.setObjectName("backupFolderDialog")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.fileSelected.connect(self.folder.setText)
        dialog.open()
        return dialog

    def values(self) -> dict[str, object]:
        """The settings as ``Settings.update`` takes them."""
        return {
            "backup_folder": self.folder.text(),
            "backup_every": self.every.value(),
            "backup_keep_last": self.keep_last.value(),
            "backup_keep_days": self.keep_days.value(),
            "backup_keep_weeks": self.keep_weeks.value(),
        }
