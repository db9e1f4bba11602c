"""The panel manager: add, edit, test the connection, remove.

Each panel shows what it speaks (its detected dialect: "multiStatus, batch refill, no
cancel …"); *Test connection* reads the balance and finds out again what the panel speaks.

The API key is typed into a password field and goes to the OS keyring only (``desk.keys``):
never to SQLite, a settings file or a log. When no keyring is usable the dialogs say so in
plain words (what to install or unlock) and refuse to add a panel: there is no plaintext
fallback. Every panel call runs as a job; refusals are shown through ``show_error`` with
the panel's own words, and the dialog stays open to fix the entry.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core import store
from smmdesk.core.api.models import Balance
from smmdesk.core.desk import Desk
from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import _, left_to_right, ngettext
from smmdesk.ui.errors import show_error
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.i18n import money_text
from smmdesk.ui.jobs import Jobs
from smmdesk.ui.panels.editor import PanelEditor, keyring_problem
from smmdesk.ui.panels.speaks import PanelSpeaksDialog
from smmdesk.ui.theme import notice_style


class PanelManager(QDialog):
    """Every panel with Add / Edit / Test connection / Remove."""

    def __init__(self, desk: Desk, events: DeskEvents, jobs: Jobs, parent: QWidget | None = None):
        super().__init__(parent)
        self._desk, self._events, self._jobs = desk, events, jobs
        self.editor: PanelEditor | None = None
        self._keyring_problem = ""
        self.setObjectName("panelManager")
        self.setWindowTitle(_("Panels"))
        self.keyring_note = QLabel(self)
        self.keyring_note.setObjectName("keyringProblem")
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setStyleSheet(notice_style(warn=True))
        self.list = QListWidget(self)
        self.list.setObjectName("panelList")
        self.result = QLabel(self)
        self.result.setObjectName("testResult")
        self.result.setWordWrap(True)
        self.add_button = QPushButton(_("Add…"), self)
        self.edit_button = QPushButton(_("Edit…"), self)
        self.test_button = QPushButton(_("Test connection"), self)
        self.speaks_button = QPushButton(_("What it speaks…"), self)
        self.remove_button = QPushButton(_("Remove…"), self)
        close = QPushButton(_("Close"), self)
        side = QVBoxLayout()
        buttons = (self.add_button, self.edit_button, self.test_button, self.speaks_button)
        for button in (*buttons, self.remove_button):
            side.addWidget(button)
        side.addStretch(1)
        side.addWidget(close)
        body = QHBoxLayout()
        body.addWidget(self.list, 1)
        body.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addWidget(self.keyring_note)
        layout.addLayout(body)
        layout.addWidget(self.result)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.test_button.clicked.connect(self.test)
        self.speaks_button.clicked.connect(self.show_speaks)
        self.remove_button.clicked.connect(self.ask_remove)
        close.clicked.connect(self.accept)
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.list.itemDoubleClicked.connect(lambda _item: self.edit())
        events.panels_changed.connect(self.reload)
        events.balances_changed.connect(self.reload)
        self.resize(640, 360)
        self.reload()

    def reload(self) -> None:
        """List the panels again, and ask the keyring (once) whether keys can be kept."""
        chosen = self.chosen()
        self._keyring_problem = problem = keyring_problem(self._desk)
        self.keyring_note.setText(problem)
        self.keyring_note.setVisible(bool(problem))
        self.list.clear()
        for panel in self._desk.panels():
            balance = left_to_right(money_text(panel.balance, panel.currency, missing="—"))
            speaks = ", ".join(panel.dialect.described())
            # Translators: {speaks} lists what the panel's API can do ("multiStatus, batch
            # refill, no cancel").
            said = _("speaks: {speaks}").format(speaks=speaks)
            text = f"{panel.name}    {balance}\n{left_to_right(panel.url)}\n{said}"
            item = QListWidgetItem(text)
            # Translators: {panel} is a panel's name; {speaks} lists what its API can do.
            item.setToolTip(
                _("What {panel} speaks: {speaks}").format(panel=panel.name, speaks=speaks)
            )
            item.setData(Qt.ItemDataRole.UserRole, panel.name)
            self.list.addItem(item)
            if panel.name == chosen:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self._update_buttons()

    def chosen(self) -> str:
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""

    def _update_buttons(self) -> None:
        has = bool(self.chosen())
        usable = not self._keyring_problem
        self.add_button.setEnabled(usable)
        self.edit_button.setEnabled(has and usable)
        self.test_button.setEnabled(has)
        self.speaks_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    # --- actions -------------------------------------------------------------------------
    def add(self) -> PanelEditor:
        self.editor = PanelEditor(self._desk, self._events, self._jobs, parent=self)
        self.editor.open()
        return self.editor

    def edit(self) -> PanelEditor | None:
        if not self.chosen():
            return None
        panel = self._desk.panel(self.chosen())
        self.editor = PanelEditor(self._desk, self._events, self._jobs, panel, parent=self)
        self.editor.open()
        return self.editor

    def test(self) -> None:
        name = self.chosen()
        if not name:
            return
        # Translators: {panel} is a panel's name.
        self.result.setText(_("Testing {panel}…").format(panel=name))
        self._jobs.run(
            self._test(name),
            _("Testing the connection to {panel}").format(panel=name),
            on_done=lambda found: self._tested(name, *found),
            on_error=lambda error: self._test_failed(name, error),
        )

    async def _test(self, name: str) -> tuple[Balance, store.Panel]:
        balance = await self._desk.refresh_balance(name)
        return balance, await self._desk.detect_dialect(name)

    def _tested(self, name: str, balance: Balance, panel: store.Panel) -> None:
        amount = left_to_right(money_text(balance.amount, balance.currency))
        speaks = ", ".join(panel.dialect.described())
        # Translators: {panel} is a panel's name, {amount} its balance ("40.00 USD"), {speaks}
        # lists what its API can do ("multiStatus, batch refill, no cancel").
        text = _("{panel} answered: balance {amount}. It speaks: {speaks}.")
        self.result.setText(text.format(panel=name, amount=amount, speaks=speaks))
        self.reload()

    def _test_failed(self, name: str, error: BaseException) -> None:
        # Translators: {panel} is a panel's name.
        self.result.setText(_("{panel} did not answer as it should.").format(panel=name))
        show_error(self, error, _("Testing the connection to {panel}").format(panel=name))

    def show_speaks(self) -> PanelSpeaksDialog | None:
        """What the chosen panel speaks, each guess settable by hand."""
        if not self.chosen():
            return None
        dialog = PanelSpeaksDialog(self._desk, self._jobs, self.chosen(), parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self.reload)
        dialog.open()
        return dialog

    def ask_remove(self) -> QMessageBox | None:
        name = self.chosen()
        if not name:
            return None
        orders = self._desk.read.count_orders(store.OrderQuery(panel=name))
        box = QMessageBox(self)
        box.setObjectName("confirmRemove")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(_("Remove panel"))
        # Translators: {panel} is a panel's name.
        text = _("Remove the panel {panel}? Its API key is deleted from the keyring.")
        box.setText(text.format(panel=name))
        count = format_integer(orders)
        if orders:
            box.setInformativeText(
                ngettext(
                    "It has {count} order in smmdesk: its history goes too. Export it first "
                    "(Orders > Export) if you want to keep it.",
                    "It has {count} orders in smmdesk: their history goes too. Export them "
                    "first (Orders > Export) if you want to keep it.",
                    orders,
                ).format(count=count)
            )
            label = ngettext(
                "Remove with its {count} order", "Remove with its {count} orders", orders
            ).format(count=count)
        else:
            label = _("Remove")
        remove = box.addButton(label, QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        remove.clicked.connect(lambda: self.remove(name, purge=bool(orders)))
        box.open()
        return box

    def remove(self, name: str, *, purge: bool = False) -> None:
        self._jobs.run(
            self._desk.remove_panel(name, purge=purge),
            _("Removing the panel {panel}").format(panel=name),
            on_done=lambda _panel: self._removed(name),
            on_error=lambda error: show_error(
                self, error, _("Removing the panel {panel}").format(panel=name)
            ),
        )

    def _removed(self, name: str) -> None:
        # Translators: {panel} is a panel's name.
        self.result.setText(_("{panel} was removed.").format(panel=name))  # the Desk told the views


__all__ = ["PanelEditor", "PanelManager"]
