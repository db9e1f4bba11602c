"""*What this panel speaks*: the detected dialect of one panel, each guess settable by hand.

Opened from *Manage panels*. Each line is one thing smmdesk found out (smmdesk.core.api
.dialect), shown in words, with "Detected" (let smmdesk decide) or a value the user picks;
*Detect again* asks the panel again (what was set by hand stays). Saving goes through
``Desk.set_dialect`` only.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core import store
from smmdesk.core.api.dialect import DMY_DATE, ISO_DATE, Batch, BatchStatus, Dialect
from smmdesk.core.desk import Desk
from smmdesk.core.errors import SmmdeskError
from smmdesk.core.i18n import N_, _
from smmdesk.ui.errors import show_error
from smmdesk.ui.jobs import Jobs

AUTO = "auto"
_YES_NO = (("yes", N_("yes")), ("no", N_("no")))
# (field, label, choices as (value text for Desk.set_dialect, words shown)); the label and
# the words are translated where shown, the value texts never (Desk.set_dialect reads them).
CHOICES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("batch_status", N_("Order status"), (
        (BatchStatus.MULTI_STATUS.value, N_("100 at a time (multiStatus)")),
        (BatchStatus.STATUS_ORDERS.value, N_("100 at a time (status with orders)")),
        (BatchStatus.ONE_BY_ONE.value, N_("one order at a time")),
    )),
    ("refill", N_("Refill"), ((Batch.BATCH.value, N_("many at a time")),
                              (Batch.SINGLE.value, N_("one order at a time")),
                              (Batch.NONE.value, N_("none")))),
    ("refill_status", N_("Refill status"), ((Batch.BATCH.value, N_("many at a time")),
                                            (Batch.SINGLE.value, N_("one at a time")))),
    ("cancel", N_("Cancel by API"), _YES_NO),
    ("subscriptions", N_("Subscriptions by API"), _YES_NO),
    ("list_separator", N_("Lists (usernames, keywords …)"), (("lines", N_("one per line")),
                                                            ("commas", N_("separated by commas")))),
    # the date patterns stay as they are: they say how the panel writes dates
    ("expiry_format", N_("Expiry dates"), (("yyyy-mm-dd", "YYYY-MM-DD"), ("d/m/y", "d/m/Y"))),
    ("request_id", N_("Send a request id with each order"), _YES_NO),
    ("quantity_always", N_("Send the quantity for every order"), _YES_NO),
    ("dripfeed_total", N_("Drip-feed bounds on runs × quantity"), _YES_NO),
)  # fmt: skip
_PATTERNS = frozenset({"YYYY-MM-DD", "d/m/Y"})  # shown as they are, never translated


def current_text(dialect: Dialect, field: str) -> str:
    """The value text of ``field`` in ``dialect`` (as Desk.set_dialect reads it)."""
    value = getattr(dialect, field)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field == "list_separator":
        return "lines" if value == "\n" else "commas"
    if field == "expiry_format":
        return "yyyy-mm-dd" if value == ISO_DATE else "d/m/y" if value == DMY_DATE else AUTO
    return str(value) if value is not None else AUTO


class PanelSpeaksDialog(QDialog):
    """Signals: ``changed`` (the panel's dialect was saved or detected again)."""

    changed = Signal()

    def __init__(self, desk: Desk, jobs: Jobs, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._desk, self._jobs, self.name = desk, jobs, name
        self.setObjectName("panelSpeaks")
        # Translators: {panel} is a panel's name.
        self.setWindowTitle(_("What {panel} speaks").format(panel=name))
        self.summary = QLabel(self)
        self.summary.setObjectName("speaksSummary")
        self.summary.setWordWrap(True)
        self.boxes: dict[str, QComboBox] = {}
        form = QFormLayout()
        for field, label, choices in CHOICES:
            box = QComboBox(self)
            box.setObjectName(f"speaks_{field}")
            box.setAccessibleName(_(label))
            box.addItem(_("Detected"), AUTO)
            for value, words in choices:
                box.addItem(words if words in _PATTERNS else _(words), value)
            self.boxes[field] = box
            form.addRow(_(label), box)
        self.detect_button = QPushButton(_("Detect again"), self)
        self.detect_button.clicked.connect(self.detect)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.addButton(self.detect_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.show_panel(desk.panel(name))

    def show_panel(self, panel: store.Panel) -> None:
        """Show what ``panel`` speaks: detected values as "Detected", set ones as set."""
        dialect = panel.dialect
        self.summary.setText(
            # Translators: {panel} is a panel's name; {speaks} lists what its API can do.
            # “Detected” is the first choice of every line of this dialog.
            _(
                "{panel} speaks: {speaks}. Leave a line on “Detected” to let smmdesk decide; "
                "choose a value only if the panel's API page says otherwise."
            ).format(panel=panel.name, speaks=", ".join(dialect.described()))
        )
        for field, box in self.boxes.items():
            wanted = current_text(dialect, field) if field in dialect.overrides else AUTO
            box.setCurrentIndex(max(box.findData(wanted), 0))

    def save(self) -> None:
        panel = self._desk.panel(self.name)
        try:
            for field, box in self.boxes.items():
                chosen, set_before = str(box.currentData()), field in panel.dialect.overrides
                was = current_text(panel.dialect, field) if set_before else AUTO
                if chosen != was:
                    panel = self._desk.set_dialect(self.name, field, chosen)
        except SmmdeskError as error:
            show_error(self, error, _("Saving what {panel} speaks").format(panel=self.name))
            return
        self.changed.emit()
        self.accept()

    def detect(self) -> None:
        self.detect_button.setEnabled(False)
        self._jobs.run(
            self._desk.detect_dialect(self.name),
            _("Finding out what {panel} speaks").format(panel=self.name),
            on_done=self._detected,
            on_error=self._failed,
        )

    def _detected(self, panel: store.Panel) -> None:
        self.detect_button.setEnabled(True)
        self.show_panel(panel)
        self.changed.emit()

    def _failed(self, error: BaseException) -> None:
        self.detect_button.setEnabled(True)
        show_error(self, error, _("Finding out what {panel} speaks").format(panel=self.name))
