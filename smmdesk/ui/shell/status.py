"""The main window's status bar: what is running (with a progress indicator), the time of
the last refresh, panels whose last refresh failed, and passing messages.

It follows ``Jobs.busy_changed`` (the indicator shows while any job runs) and the
``Refresher``'s finished runs.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from smmdesk.ui.jobs import Jobs

MESSAGE_MS = 10_000
NEVER = "Not refreshed yet"


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
        self.refresh_label = QLabel(NEVER, self)
        self.refresh_label.setObjectName("lastRefresh")
        self.addPermanentWidget(self.busy_label)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.refresh_label)
        self.set_busy(False, "")
        jobs.busy_changed.connect(self.set_busy)

    def set_busy(self, busy: bool, what: str) -> None:
        if busy and what.startswith("Refreshing statuses") and self.refresh_label.text() == NEVER:
            self.refresh_label.setText("First refresh running…")
        self.progress.setVisible(busy)
        self.busy_label.setVisible(busy)
        self.busy_label.setText(f"{what}…" if busy and what else "")

    def show_refresh(self, when: datetime | None, errors: dict[str, str]) -> None:
        """Show the last refresh time and which panels failed (with why, in the tooltip)."""
        text = f"Last refresh {when:%H:%M:%S}" if when else NEVER
        if errors:
            names = ", ".join(sorted(errors))
            text += f" · ⚠ {names} did not answer"
            self.refresh_label.setToolTip(
                "\n".join(f"{name}: {why}" for name, why in sorted(errors.items()))
            )
        else:
            self.refresh_label.setToolTip("Statuses, balances and refills of every panel")
        self.refresh_label.setText(text)

    def say(self, text: str) -> None:
        self.showMessage(text, MESSAGE_MS)

    def forget(self, *_: object) -> None:
        """A job failed: a passing message ("Order #14 placed") would now mislead."""
        self.clearMessage()
