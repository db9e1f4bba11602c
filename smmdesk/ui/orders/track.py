"""Track orders placed elsewhere (the panel's website, another tool) by their order ids.

Once tracked, an order is refreshed, canceled and refilled like any order smmdesk placed.
The ids go to ``desk.track_orders`` in a job; the panel's answer for ids it doesn't know is
shown through ``show_error``.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.desk import Desk
from smmdesk.core.errors import NotFound
from smmdesk.core.i18n import _, left_to_right
from smmdesk.core.ordering import Tracked
from smmdesk.ui.errors import show_error
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.i18n import keep_left_to_right
from smmdesk.ui.jobs import Jobs
from smmdesk.ui.theme import problem_style

ORDER_ID = re.compile(r"(?=[^\d]*\d)[A-Za-z0-9_-]{1,64}")  # letters allowed, one digit at least


class TrackDialog(QDialog):
    """Ask for a panel and order ids; track them when OK is pressed."""

    def __init__(
        self,
        desk: Desk,
        events: DeskEvents,
        jobs: Jobs,
        panel: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._desk, self._events, self._jobs = desk, events, jobs
        self.setObjectName("trackDialog")
        self.setWindowTitle(_("Track orders by id"))
        intro = QLabel(
            _(
                "Enter the ids of orders you placed on the panel's website (or with another "
                "tool). smmdesk will follow their status like any other order."
            )
        )
        intro.setWordWrap(True)
        self.panel_box = QComboBox(self)
        self.panel_box.addItems([p.name for p in desk.panels()])
        if panel:
            self.panel_box.setCurrentText(panel)
        self.ids = QLineEdit(self)
        self.ids.setObjectName("trackIds")
        self.ids.setPlaceholderText(_("e.g. 23512 or 23512, 23513"))
        keep_left_to_right(self.ids)
        self.reference = QLineEdit(self)
        self.reference.setPlaceholderText(_("optional note: customer, shop order number…"))
        self.problem = QLabel(self)
        self.problem.setObjectName("trackProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(problem_style())
        self.problem.hide()
        self.ids.textChanged.connect(lambda _text: self.problem.hide())
        form = QFormLayout()
        form.addRow(_("Panel"), self.panel_box)
        form.addRow(_("Order ids"), self.ids)
        form.addRow(_("Reference"), self.reference)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Track"))
        self.buttons.accepted.connect(self.track)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(440, self.sizeHint().height())

    def order_ids(self) -> list[str]:
        return [part for part in re.split(r"[\s,;]+", self.ids.text()) if part]

    def check_ids(self, panel: str, ids: list[str]) -> tuple[list[str], list[str]]:
        """(the ids to ask the panel about, what is wrong with the others)."""
        problems, wanted = [], []
        panel_id = self._desk.panel(panel).id
        for remote_id in ids:
            if not ORDER_ID.fullmatch(remote_id):
                problems.append(
                    # Translators: {id} is what the reseller typed as an order id.
                    _(
                        "“{id}” is not an order id: the panel's ids are numbers like 23512 "
                        "(some panels add letters, like ord_01H5)."
                    ).format(id=left_to_right(remote_id))
                )
            elif (known := self._desk.read.find_order(panel_id, remote_id)) is not None:
                problems.append(
                    # Translators: {id} is the panel's order id, {number} smmdesk's own.
                    _("Order {id} of {panel} is followed already, as #{number}.").format(
                        id=left_to_right(remote_id), panel=panel, number=known.id
                    )
                )
            else:
                wanted.append(remote_id)
        return wanted, problems

    def say(self, problems: list[str]) -> None:
        self.problem.setText("\n".join(problems))
        self.problem.setVisible(bool(problems))

    def track(self) -> None:
        ids, panel = self.order_ids(), self.panel_box.currentText()
        if not ids or not panel:
            self.ids.setFocus()
            return
        ids, problems = self.check_ids(panel, ids)
        self.say(problems)
        if problems:  # nothing is sent until every id is right (or removed)
            self.ids.setFocus()
            return
        self.buttons.setEnabled(False)
        self._jobs.run(
            self._desk.track_orders(panel, ids, reference=self.reference.text().strip() or None),
            _("Tracking orders on {panel}").format(panel=panel),
            on_done=self._tracked,
            on_error=self._failed,
        )

    def _tracked(self, tracked: Tracked) -> None:
        self.buttons.setEnabled(True)  # the Desk told the views of the orders tracked
        if tracked.errors:
            reasons = " ".join(tracked.errors.values())
            # Translators: {reasons} are the panel's answers, one sentence per order.
            message = _("Some orders were not tracked. {reasons}").format(reasons=reasons)
            show_error(self.parentWidget(), NotFound(message))
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        show_error(self, error, _("Tracking orders"))
