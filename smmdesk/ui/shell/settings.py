"""The settings dialog: refresh interval, notifications, the low-balance threshold, the
currency of totals with exchange rates, when a balance needs attention, the look, the
webhook receiver (on/off, address, port, and each panel's own URL), and where and how often
the order book is backed up.

Values are checked by ``Settings.update`` (the one place settings are declared and checked)
and written by ``Settings.save``; a refusal is shown through ``show_error`` and the dialog
stays open.

Signals:
    saved(object)   the new Settings, once written
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.errors import LocalFileError, SmmdeskError
from smmdesk.core.exchange import parse_rates_text, rates_text
from smmdesk.core.i18n import AUTO, LANGUAGES, N_, _, ngettext
from smmdesk.core.settings import Settings, int_range, limits
from smmdesk.ui.backups.dialogs import BackupSettingsBox
from smmdesk.ui.errors import show_error
from smmdesk.ui.i18n import counted_suffix, keep_left_to_right


def webhook_url(host: str, port: int, path: str) -> str:
    """The address a panel posts status changes to (its own path on the receiver)."""
    shown_host = f"[{host}]" if ":" in host else host
    return f"http://{shown_host}:{port}{path}"


THEME_LABELS = {
    "system": N_("Like the system (light or dark)"),
    "light": N_("Light"),
    "dark": N_("Dark"),
}


class SettingsDialog(QDialog):
    saved = Signal(object)

    def __init__(
        self, settings: Settings, panels: Mapping[str, str], parent: QWidget | None = None
    ):
        """``panels``: each panel's name -> its own webhook path (smmdesk.core.webhook)."""
        super().__init__(parent)
        self.paths = dict(panels)
        self.settings = settings
        self.setObjectName("settingsDialog")
        self.setWindowTitle(_("Settings"))
        self.interval = QSpinBox(self)
        self.interval.setRange(*int_range("refresh_interval"))
        self.interval.setValue(settings.refresh_interval)
        # Translators: the unit after a number of seconds, with its leading space.
        counted_suffix(self.interval, lambda n: ngettext(" second", " seconds", n))
        self.notify = QCheckBox(_("Tell me when orders finish, come back partial or are canceled"))
        self.notify.setChecked(settings.notify_orders)
        self.threshold = QLineEdit(str(settings.balance_threshold), self)
        self.threshold.setObjectName("balanceThreshold")
        self.threshold.setToolTip(
            _("Warn when a panel's balance falls under this amount; 0 = never")
        )
        self.theme = QComboBox(self)
        self.theme.setObjectName("themeChoice")
        for value in limits("theme").choices:
            self.theme.addItem(_(THEME_LABELS[value]) if value in THEME_LABELS else value, value)
        self.theme.setCurrentIndex(max(self.theme.findData(settings.theme), 0))
        self.language = QComboBox(self)
        self.language.setObjectName("languageChoice")
        self.language.setToolTip(_("Used the next time smmdesk starts"))
        self.language.addItem(_("Like the system"), AUTO)
        for code, name in LANGUAGES.items():  # each in its own language
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(settings.language), 0))
        general = QFormLayout()
        general.addRow(_("Refresh statuses every"), self.interval)
        general.addRow("", self.notify)
        general.addRow(_("Warn when a balance falls under"), self.threshold)
        self.rates = QLineEdit(rates_text(settings.exchange_rates), self)
        self.rates.setObjectName("exchangeRates")
        self.rates.setPlaceholderText(
            # Translators: keep "EUR=1.08, RUB=0.011" as it is: rates are written this way.
            _("EUR=1.08, RUB=0.011 (1 unit in the report currency)")
        )
        self.report_currency = QLineEdit(settings.report_currency, self)
        self.report_currency.setObjectName("reportCurrency")
        self.balance_days = QSpinBox(self)
        self.balance_days.setRange(*int_range("balance_days"))
        self.balance_days.setValue(settings.balance_days)
        # Translators: the unit after a number of days, with its leading space.
        counted_suffix(self.balance_days, lambda n: ngettext(" day", " days", n))
        keep_left_to_right(self.threshold, self.rates, self.report_currency)
        general.addRow(_("Totals in currency"), self.report_currency)
        general.addRow(_("Exchange rates"), self.rates)
        general.addRow(_("Needs attention when a balance lasts under"), self.balance_days)
        general.addRow(_("Look"), self.theme)
        general.addRow(_("Language"), self.language)
        layout = QVBoxLayout(self)
        layout.addLayout(general)
        layout.addWidget(self._webhook_box(settings, panels))
        self.backups = BackupSettingsBox(settings, self)
        layout.addWidget(self.backups)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._show_url()
        self.resize(580, self.sizeHint().height())

    def _webhook_box(self, settings: Settings, panels: list[str]) -> QGroupBox:
        box = QGroupBox(_("Webhook receiver (status updates pushed by panels)"), self)
        self.webhook = QCheckBox(_("Receive status updates from panels that can send them"))
        self.webhook.setChecked(settings.webhook_enabled)
        self.host = QLineEdit(settings.webhook_host, box)
        self.port = QSpinBox(box)
        self.port.setRange(*int_range("webhook_port"))
        self.port.setValue(settings.webhook_port)
        self.url_panel = QComboBox(box)
        self.url_panel.addItems(list(self.paths))
        self.url = QLineEdit(box)
        self.url.setObjectName("webhookUrl")
        self.url.setReadOnly(True)
        keep_left_to_right(self.host, self.port, self.url)
        self.copy = QPushButton(_("Copy"), box)
        self.copy.clicked.connect(lambda: QApplication.clipboard().setText(self.url.text()))
        url_row = QHBoxLayout()
        url_row.addWidget(self.url_panel)
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.copy)
        note = QLabel(
            _(
                "Give the panel this URL (it holds a secret: share it with the panel only). A "
                "panel on the internet can reach this computer only through a tunnel you run, "
                "such as cloudflared or ngrok pointing at the address and port above."
            )
        )
        note.setWordWrap(True)
        form = QFormLayout(box)
        form.addRow(self.webhook)
        form.addRow(_("Listen on address"), self.host)
        form.addRow(_("Port"), self.port)
        form.addRow(_("URL for panel"), url_row)
        form.addRow(note)
        for signal in (
            self.host.textChanged,
            self.port.valueChanged,
            self.url_panel.currentIndexChanged,
        ):
            signal.connect(lambda *_: self._show_url())
        return box

    def _show_url(self) -> None:
        host = self.host.text().strip() or "127.0.0.1"
        path = self.paths.get(self.url_panel.currentText())
        if path is None:
            self.url.setText("")
            self.url.setPlaceholderText(_("Add a panel first: each panel gets its own address."))
            return
        self.url.setText(webhook_url(host, self.port.value(), path))

    def save(self) -> None:
        try:
            new = self.settings.update(
                refresh_interval=self.interval.value(),
                notify_orders=self.notify.isChecked(),
                balance_threshold=self.threshold.text(),
                webhook_enabled=self.webhook.isChecked(),
                webhook_host=self.host.text(),
                webhook_port=self.port.value(),
                report_currency=self.report_currency.text(),
                exchange_rates=parse_rates_text(self.rates.text()),
                balance_days=self.balance_days.value(),
                theme=self.theme.currentData(),
                language=self.language.currentData(),
                **self.backups.values(),
            )
            new.save()
        except SmmdeskError as error:
            show_error(self, error, _("Saving the settings"))
            return
        except OSError as error:
            reason = error.strerror or str(error)
            show_error(
                self,
                LocalFileError(
                    # Translators: {reason} is the system's reason ("No space left on device").
                    _(
                        "smmdesk could not write its settings ({reason}). Check that the data "
                        "folder is on a disk with free space that you can write to."
                    ).format(reason=reason)
                ),
                _("Saving the settings"),
            )
            return
        self.settings = new
        self.saved.emit(new)
        self.accept()
