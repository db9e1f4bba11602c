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
from smmdesk.ui.errors import show_error
from smmdesk.ui.jobs import Jobs

AUTO = "auto"
_YES_NO = (("yes", "yes"), ("no", "no"))
# (field, label, choices as (value text for Desk.set_dialect, words shown))
CHOICES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("batch_status", "Order status", (
        (BatchStatus.MULTI_STATUS.value, "100 at a time (multiStatus)"),
        (BatchStatus.STATUS_ORDERS.value, "100 at a time (status with orders)"),
        (BatchStatus.ONE_BY_ONE.value, "one order at a time"),
    )),
    ("refill", "Refill", ((Batch.BATCH.value, "many at a time"),
                          (Batch.SINGLE.value, "one order at a time"), (Batch.NONE.value, "none"))),
    ("refill_status", "Refill status", ((Batch.BATCH.value, "many at a time"),
                                        (Batch.SINGLE.value, "one at a time"))),
    ("cancel", "Cancel by API", _YES_NO),
    ("subscriptions", "Subscriptions by API", _YES_NO),
    ("list_separator", "Lists (usernames, keywords …)", (("lines", "one per line"),
                                                        ("commas", "separated by commas"))),
    ("expiry_format", "Expiry dates", (("yyyy-mm-dd", "YYYY-MM-DD"), ("d/m/y", "d/m/Y"))),
    ("request_id", "Send a request id with each order", _YES_NO),
    ("quantity_always", "Send the quantity for every order", _YES_NO),
    ("dripfeed_total", "Drip-feed bounds on runs × quantity", _YES_NO),
)  # fmt: skip


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
        self.setWindowTitle(f"What {name} speaks")
        self.summary = QLabel(self)
        self.summary.setObjectName("speaksSummary")
        self.summary.setWordWrap(True)
        self.boxes: dict[str, QComboBox] = {}
        form = QFormLayout()
        for field, label, choices in CHOICES:
            box = QComboBox(self)
            box.setObjectName(f"speaks_{field}")
            box.setAccessibleName(label)
            box.addItem("Detected", AUTO)
            for value, words in choices:
                box.addItem(words, value)
            self.boxes[field] = box
            form.addRow(label, box)
        self.detect_button = QPushButton("Detect again", self)
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
            f"{panel.name} speaks: {', '.join(dialect.describe())}. Leave a line on "
            "“Detected” to let smmdesk decide; choose a value only if the panel's API page "
            "says otherwise."
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
            show_error(self, error, f"Saving what {self.name} speaks")
            return
        self.changed.emit()
        self.accept()

    def detect(self) -> None:
        self.detect_button.setEnabled(False)
        self._jobs.run(
            self._desk.detect_dialect(self.name),
            f"Finding out what {self.name} speaks",
            on_done=self._detected,
            on_error=self._failed,
        )

    def _detected(self, panel: store.Panel) -> None:
        self.detect_button.setEnabled(True)
        self.show_panel(panel)
        self.changed.emit()

    def _failed(self, error: BaseException) -> None:
        self.detect_button.setEnabled(True)
        show_error(self, error, f"Finding out what {self.name} speaks")
