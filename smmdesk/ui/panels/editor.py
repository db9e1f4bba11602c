"""Adding or editing one panel: name, API URL, API key (a password field), pace.

"Test connection" asks the panel for its balance with what is typed, without keeping
anything. "Add" (or "Save") runs ``desk.add_panel`` / ``desk.update_panel``, which test the
key again and keep it in the OS keyring only; on a refusal the panel's words are shown and
the dialog stays open.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.api import PanelClient
from smmdesk.core.api.models import Balance
from smmdesk.core.desk import Desk
from smmdesk.core.errors import KeyringUnavailable, RequestRefused
from smmdesk.core.i18n import _, left_to_right, ngettext
from smmdesk.core.store import Panel
from smmdesk.protocol import DEFAULT_RATE_LIMIT
from smmdesk.ui.errors import show_error
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.i18n import counted_suffix, keep_left_to_right, money_text
from smmdesk.ui.jobs import Jobs
from smmdesk.ui.theme import problem_style

OK_STYLE = "color: #1b6e2e;"


def keyring_problem(desk: Desk) -> str:
    """Why API keys can't be kept right now ("" when the keyring is usable)."""
    try:
        desk.keys.check()
    except KeyringUnavailable as error:
        return error.user_message
    return ""


class PanelEditor(QDialog):
    """Add a panel (``panel`` None) or edit one."""

    def __init__(
        self,
        desk: Desk,
        events: DeskEvents,
        jobs: Jobs,
        panel: Panel | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._desk, self._events, self._jobs = desk, events, jobs
        self.panel = panel
        self.setObjectName("panelEditor")
        if panel is None:
            self.setWindowTitle(_("Add a panel"))
        else:
            # Translators: {panel} is a panel's name.
            self.setWindowTitle(_("Edit {panel}").format(panel=panel.name))
        self.name = QLineEdit(self)
        self.name.setObjectName("panelName")
        self.name.setPlaceholderText(_("A short name, e.g. MainPanel"))
        self.url = QLineEdit(self)
        self.url.setObjectName("panelUrl")
        self.url.setPlaceholderText("https://panel.example/api/v2")
        self.key = QLineEdit(self)
        self.key.setObjectName("panelKey")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText(
            _("Paste the API key from your account page") if panel is None
            else _("Leave empty to keep the saved key")
        )  # fmt: skip
        self.pace = QSpinBox(self)
        self.pace.setRange(1, 100_000)
        self.pace.setValue(panel.rate_limit if panel else DEFAULT_RATE_LIMIT)
        # Translators: the unit after a number of requests per minute, with its leading space.
        counted_suffix(self.pace, lambda n: ngettext(" request/min", " requests/min", n))
        self.pace.setToolTip(_("How many requests per minute smmdesk allows itself on this panel"))
        keep_left_to_right(self.name, self.url, self.key)
        if panel is not None:
            self.name.setText(panel.name)
            self.name.setReadOnly(True)
            self.url.setText(panel.url)
        self.keyring_note = QLabel(keyring_problem(desk), self)
        self.keyring_note.setObjectName("keyringProblem")
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setStyleSheet(problem_style())
        self.keyring_note.setVisible(bool(self.keyring_note.text()))
        self.result = QLabel(self)
        self.result.setObjectName("testResult")
        self.result.setWordWrap(True)
        self.test_button = QPushButton(_("Test connection"), self)
        self.test_button.clicked.connect(self.test)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(_("Add panel") if panel is None else _("Save"))
        self.save_button.setEnabled(not self.keyring_note.text())
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("Name"), self.name)
        form.addRow(_("API URL"), self.url)
        form.addRow(_("API key"), self.key)
        form.addRow(_("Pace"), self.pace)
        layout = QVBoxLayout(self)
        layout.addWidget(self.keyring_note)
        layout.addLayout(form)
        layout.addWidget(self.result)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())

    # --- test ----------------------------------------------------------------------------
    def test(self) -> None:
        """Ask the panel for its balance with what is typed (nothing is kept)."""
        self.result.setStyleSheet("")
        self.result.setText(_("Asking the panel…"))
        self._busy(True)
        what = _("Testing the connection")
        self._jobs.run(
            self._test(),
            what,
            on_done=self._tested,
            on_error=lambda error: self._failed(error, what),
        )

    async def _test(self) -> Balance:
        url, key = self.url.text().strip(), self.key.text().strip()
        if self.panel is not None and not key:
            key = self._desk.keys.get(self.panel.name)
        if not key:
            raise RequestRefused(_("Paste the panel's API key first (from your account page)."))
        pacer = self._desk.pacers.get(url, self.pace.value()) if url else None
        async with PanelClient(url, key, pacer=pacer) as client:
            return await client.balance()

    def _tested(self, balance: Balance) -> None:
        self._busy(False)
        self.result.setStyleSheet(OK_STYLE)
        amount = left_to_right(money_text(balance.amount, balance.currency))
        # Translators: {amount} is the panel's balance with its currency ("40.00 USD").
        text = _("The panel accepted the key. Balance: {amount}.")
        self.result.setText(text.format(amount=amount))

    # --- save ----------------------------------------------------------------------------
    def save(self) -> None:
        """Add or update the panel (the panel is asked first; nothing is kept on a refusal)."""
        name, url, key = self.name.text().strip(), self.url.text().strip(), self.key.text()
        self._busy(True)
        if self.panel is None:
            work = self._desk.add_panel(name, url, key.strip(), rate_limit=self.pace.value())
            if name:
                # Translators: {panel} is a panel's name.
                what = _("Adding the panel {panel}").format(panel=name)
            else:
                what = _("Adding the panel")
        else:
            work = self._desk.update_panel(
                self.panel.name,
                url=url if url != self.panel.url else None,
                key=key.strip() or None,
                rate_limit=self.pace.value(),
            )
            what = _("Saving the panel {panel}").format(panel=self.panel.name)
        self._jobs.run(
            work, what, on_done=self._saved, on_error=lambda error: self._failed(error, what)
        )

    def _saved(self, _panel: Panel) -> None:
        self._busy(False)
        self.key.clear()  # the Desk told the views of the panel and its balance
        self.accept()

    def done(self, result: int) -> None:
        """Closing, however it happens, forgets a typed key (it lives only in the keyring)."""
        self.key.clear()
        super().done(result)

    def _failed(self, error: BaseException, what: str) -> None:
        self._busy(False)
        self.result.setStyleSheet(problem_style())
        self.result.setText(_("The panel did not accept this. See the message."))
        show_error(self, error, what)

    def _busy(self, busy: bool) -> None:
        self.test_button.setEnabled(not busy)
        self.save_button.setEnabled(not busy and not self.keyring_note.text())
