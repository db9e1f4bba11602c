"""Background refresh for the window: the core's refresh ``Scheduler`` and the optional
``WebhookReceiver``, both on the one qasync loop.

The core's ``Scheduler`` is the one schedule: it starts the periodic runs
(``refresh_interval`` seconds after the end of the last full one) and the runs asked for
with F5, one at a time. The window only watches: each run is shown as a job
(``Jobs.watch``: the progress indicator, the panels it still waits for, a bug in the one
error display), and a run asked for by hand also says which panels did not answer. Each run's
start and end — and each webhook post — is published by the core on ``desk.events``, which
``DeskEvents`` turns into ``refresh_started``, ``orders_changed``, ``balances_changed`` and
``refresh_finished``; the Refresher keeps what the status bar shows from the last of them.

Signals of ``Refresher``:
    refreshed(object)       a run finished: its Changes (after the events above)
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from smmdesk.core.desk import Desk
from smmdesk.core.errors import SmmdeskError
from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import _
from smmdesk.core.refresh import Changes
from smmdesk.core.schedule import Scheduler
from smmdesk.core.settings import Settings
from smmdesk.core.webhook import WebhookReceiver
from smmdesk.ui.errors import show_error
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.jobs import Jobs

SLOW_AFTER_S = 5.0  # a run this long names the panels it still waits for


class Refresher(QObject):
    refreshed = Signal(object)

    def __init__(
        self,
        desk: Desk,
        events: DeskEvents,
        jobs: Jobs,
        settings: Settings,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._desk, self._events, self._jobs = desk, events, jobs
        self.settings = settings
        self.scheduler = Scheduler(
            desk, settings.refresh_interval, _published, on_run=self._watch_run
        )
        events.refresh_finished.connect(self.changes_arrived)
        self.receiver: WebhookReceiver | None = None
        self.last_refresh: datetime | None = None
        self.last_errors: dict[str, str] = {}
        # while a run lasts, name the panels it still waits for (a panel that hangs)
        self.slow_after_s = SLOW_AFTER_S
        self._run_task: asyncio.Task[Any] | None = None
        self._run_started = 0.0
        self._watch = QTimer(self)
        self._watch.setInterval(1000)
        self._watch.timeout.connect(self._name_the_slow)
        self._running = False

    # --- running -------------------------------------------------------------------------
    def start(self, *, refresh: bool = True) -> None:
        """Start the schedule (its first run at once when ``refresh``, else one interval
        from now) and the receiver."""
        self.scheduler.start(first_now=refresh)
        self._start_receiver()

    def refresh_now(self, *, manual: bool = True) -> asyncio.Future[Changes]:
        """Refresh every panel now (joining a run in progress; its job shows at once);
        ``manual``: asked for, so panels that did not answer are shown in a message.
        Returns the run's future; the schedule counts the next periodic run from its end."""
        run = self.scheduler.request()
        run.add_done_callback(lambda done: self._run_done(done, manual))
        return run

    def _watch_run(self, task: asyncio.Task[Changes]) -> None:
        """Every run the schedule starts is shown as a job (a bug goes to the one display)."""
        self._run_task = self._jobs.watch(task, _("Refreshing statuses"), on_error=self._run_failed)
        self._run_started = time.monotonic()
        self._watch.start()

    def _name_the_slow(self) -> None:
        """After ``slow_after_s``, the status bar names the panels the run still waits for."""
        task = self._run_task
        if task is None or task.done():
            self._watch.stop()
            return
        elapsed = time.monotonic() - self._run_started
        names = self.scheduler.waiting_for
        if elapsed >= self.slow_after_s and names:
            # Translators: {panels} are the names of panels ("MainPanel, Second"); "s" is
            # short for seconds.
            text = _("Refreshing statuses: waiting for {panels} ({seconds} s)")
            shown = text.format(panels=", ".join(names), seconds=format_integer(round(elapsed)))
            self._jobs.retitle(task, shown)

    def set_settings(self, settings: Settings) -> None:
        """Apply new settings: the interval at once, the receiver restarted if it changed."""
        old, self.settings = self.settings, settings
        self.scheduler.interval_s = settings.refresh_interval  # applies at once
        webhook = ("webhook_enabled", "webhook_host", "webhook_port", "webhook_token")
        if any(getattr(old, name) != getattr(settings, name) for name in webhook):
            self._jobs.run(self._restart_receiver(), _("Restarting the webhook receiver"))

    async def aclose(self) -> None:
        """Stop the schedule and the receiver, waiting for their tasks."""
        await self.scheduler.aclose()
        if self.receiver is not None:
            await self.receiver.aclose()
            self.receiver = None

    # --- what a run brought --------------------------------------------------------------
    def changes_arrived(self, changes: Changes) -> None:
        """A run (or a webhook post) ended and the views were told: keep the time and the
        panels' errors for the status bar."""
        if changes.requests:  # a refresh run (a webhook post asks nothing)
            self.last_refresh = datetime.now()
            kept = {n: e for n, e in self.last_errors.items() if n not in changes.panels}
            self.last_errors = kept | dict(changes.errors)
        self.refreshed.emit(changes)

    def _run_done(self, task: asyncio.Future[Changes], manual: bool) -> None:
        """A run asked for ended: by hand, say which panels did not answer (a run that
        raised was shown by its job already)."""
        if task.cancelled() or task.exception() is not None:
            return
        changes = task.result()
        if manual and changes.errors:
            lines = " ".join(f"{name}: {text}" for name, text in changes.errors.items())
            show_error(
                self.parent(),  # type: ignore[arg-type]
                SmmdeskError(
                    # Translators: {problems} are "panel: what went wrong" one after another.
                    _("Some panels could not be refreshed. {problems}").format(problems=lines)
                ),
                _("Refreshing statuses"),
            )

    def _run_failed(self, error: BaseException) -> None:
        show_error(self.parent(), error, _("Refreshing statuses"))  # type: ignore[arg-type]

    # --- the webhook receiver ------------------------------------------------------------
    def _start_receiver(self) -> None:
        if self.settings.webhook_enabled:
            self._jobs.run(self._restart_receiver(), _("Starting the webhook receiver"))

    async def _restart_receiver(self) -> None:
        if self.receiver is not None:
            await self.receiver.aclose()
            self.receiver = None
        receiver = WebhookReceiver.from_settings(self._desk, self.settings)
        if receiver is not None:
            self.receiver = await receiver.start()


def _published(_changes: Changes) -> None:
    """The scheduler's hand-over: nothing to do, the core published the run on desk.events."""
