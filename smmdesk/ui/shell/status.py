"""The main window's status bar: what is running (with a progress indicator), the time of
the last refresh, panels whose last refresh failed, and passing messages.

It follows ``Jobs.busy_changed`` (the indicator shows while any job runs) and the
``Refresher``'s finished runs.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from smmdesk.core.i18n import N_, _
from smmdesk.ui.jobs import Jobs

MESSAGE_MS = 10_000
NEVER = N_("Not refreshed yet")


class DeskStatusBar(QStatusBar):
    def __init__(self, jobs: Jobs, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("deskStatusBar")
        self.busy_label = QLabel(self)
        self.busy_label.setObjectName("busyLabel")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("busyProgress")
        self.progress.setRange(0, 0)  # indeterminate: "working"
        self.progress.setMaximumWidth(110)
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        self.refresh_label = QLabel(_(NEVER), self)
        self.refresh_label.setObjectName("lastRefresh")
        self.addPermanentWidget(self.busy_label)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.refresh_label)
        self.set_busy(False, "")
        jobs.busy_changed.connect(self.set_busy)

    def set_busy(self, busy: bool, what: str) -> None:
        first = self.refresh_label.text() == _(NEVER)
        if busy and what.startswith(_("Refreshing statuses")) and first:
            self.refresh_label.setText(_("First refresh running…"))
        self.progress.setVisible(busy)
        self.busy_label.setVisible(busy)
        self.busy_label.setText(f"{what}…" if busy and what else "")

    def show_refresh(self, when: datetime | None, errors: dict[str, str]) -> None:
        """Show the last refresh time and which panels failed (with why, in the tooltip)."""
        time = f"{when:%H:%M:%S}" if when else ""  # the same in every language (24 hours)
        if errors:
            names = ", ".join(sorted(errors))
            if when:
                # Translators: {time} is a time of day ("14:05:09"); {panels} names panels.
                text = _("Last refresh {time} · ⚠ {panels} did not answer")
            else:
                # Translators: {panels} are the names of panels ("MainPanel, Second").
                text = _("Not refreshed yet · ⚠ {panels} did not answer")
            text = text.format(time=time, panels=names)
            self.refresh_label.setToolTip(
                "\n".join(f"{name}: {why}" for name, why in sorted(errors.items()))
            )
        else:
            # Translators: {time} is a time of day ("14:05:09").
            text = _("Last refresh {time}").format(time=time) if when else _(NEVER)
            self.refresh_label.setToolTip(_("Statuses, balances and refills of every panel"))
        self.refresh_label.setText(text)

    def say(self, text: str) -> None:
        self.showMessage(text, MESSAGE_MS)

    def forget(self, *_: object) -> None:
        """A job failed: a passing message ("Order #14 placed") would now mislead."""
        self.clearMessage()
