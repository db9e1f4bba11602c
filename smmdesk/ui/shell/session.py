"""One run of the program: the data folder (or the demo's), the Desk, the main window, and
closing them all in order.

    session = await Session.open(demo=False, data_dir=None)
    await session.window.wait_closed()
    await session.close()

A problem that stops the program from starting (a data folder it can't make, a damaged
database) is raised as ``SessionError`` with a sentence for the reseller.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, replace

from PySide6.QtWidgets import QApplication

from smmdesk.core.desk import Desk
from smmdesk.core.errors import AddOutcomeUnknown, DamagedDatabase, SmmdeskError
from smmdesk.core.i18n import _, left_to_right, ngettext
from smmdesk.core.logs import setup_logging
from smmdesk.core.paths import data_dir
from smmdesk.core.secrets import KeyStore
from smmdesk.core.settings import Settings
from smmdesk.ui.backups.flows import open_desk_or_restore
from smmdesk.ui.errors import show_error
from smmdesk.ui.i18n import apply_language
from smmdesk.ui.shell.demo_mode import EXAMPLE_ORDER, DemoSession, add_demo_panels, make_history
from smmdesk.ui.shell.mainwindow import MainWindow

log = logging.getLogger(__name__)


SCREENSHOT_SIZE = (1600, 1000)


class SessionError(Exception):
    """The program cannot start; the text says why and what to do."""


@dataclass
class Session:
    desk: Desk
    window: MainWindow
    demo: DemoSession | None = None

    @classmethod
    async def open(
        cls,
        *,
        demo: bool = False,
        data_dir: str | None = None,
        screenshot: bool = False,
        theme: str | None = None,
    ) -> Session:
        """Open the data folder (or start the demo), then show the main window."""
        session = DemoSession.start() if demo else None
        try:
            desk = await open_desk_or_restore(lambda: _open_desk(session, data_dir))
        except SessionError:
            if session is not None:
                session.stop()
            raise
        try:
            if session is not None:
                await add_demo_panels(desk, session)
            settings = Settings.load(desk.folder)
            apply_language(QApplication.instance(), settings.language)  # before any window
            if theme:  # this run only (--theme): the saved setting stays
                settings = replace(settings, theme=theme)
            window = MainWindow(desk, settings, title_note=_("demo") if session else "")
        except BaseException:
            await desk.aclose()
            if session is not None:
                session.stop()
            raise
        if screenshot and session is not None:  # the demo's picture: the same on every machine
            window.resize(*SCREENSHOT_SIZE)
            window.reset_layout()
        window.show()
        opened = cls(desk, window, session)
        opened.start()
        return opened

    def start(self) -> None:
        window = self.window
        if self.desk.stale_sending:
            stale = self.desk.stale_sending
            ids = ", ".join(left_to_right(f"#{order.id}") for order in stale)
            # Translators: {ids} are local order numbers ("#3, #4").
            text = ngettext(
                "smmdesk stopped last time while sending order {ids}, so it may or may not "
                "have been placed. It was NOT sent again. Check the panel's order list, then "
                "mark it as placed (with its id) or not placed in the orders view.",
                "smmdesk stopped last time while sending orders {ids}, so they may or may not "
                "have been placed. They were NOT sent again. Check the panel's order list, "
                "then mark each one as placed (with its id) or not placed in the orders view.",
                len(stale),
            )
            show_error(window, AddOutcomeUnknown(text.format(ids=ids)), _("Starting smmdesk"))
        if self.demo is None:
            window.start(refresh=True)
            return
        window.start(refresh=False)
        window.jobs.run(
            make_history(self.desk, self.demo),
            _("Preparing the demo's orders"),
            on_done=self._history_made,
        )

    def _history_made(self, order_ids: list[int]) -> None:
        self.window.after_history(order_ids)
        self.window.prefill(*EXAMPLE_ORDER)

    async def close(self) -> None:
        """Stop the background work, close the panels' connections and the database."""
        try:
            await self.window.shutdown()
        finally:
            await self.desk.aclose()
            if self.demo is not None:
                self.demo.stop()
            self.window.deleteLater()


def _open_desk(demo: DemoSession | None, chosen: str | None) -> Desk:
    try:
        folder = demo.folder if demo else data_dir(chosen)
        setup_logging(folder)
        keys = demo.keys if demo else KeyStore()
        desk = Desk(folder, keys)
    except DamagedDatabase:
        raise  # open_desk_or_restore offers the latest backup
    except SmmdeskError as error:
        raise SessionError(error.user_message) from None
    except (OSError, sqlite3.DatabaseError) as error:
        log.exception("cannot open the data folder")
        if chosen:
            # Translators: {folder} is a folder's path; {error} the system's reason.
            text = _(
                "smmdesk cannot open its data in {folder} ({error}). Choose another folder "
                "with --data-dir, or restore the folder from a backup."
            ).format(folder=left_to_right(chosen), error=error)
        else:
            # Translators: {error} is the system's reason ("Permission denied").
            text = _(
                "smmdesk cannot open its data in the data folder ({error}). Choose another "
                "folder with --data-dir, or restore the folder from a backup."
            ).format(error=error)
        raise SessionError(text) from None
    return desk
