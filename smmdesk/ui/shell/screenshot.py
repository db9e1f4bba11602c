"""``--screenshot PATH``: a picture of the main window once it has loaded and refreshed.

Waits (up to ``TIMEOUT_S``) until one status refresh has finished and no job is running
(the demo's history, catalogs, balances), lets the views draw, then saves
``window.grab()`` as PNG. Works without a screen (``QT_QPA_PLATFORM=offscreen``).
Returns the exit code: 0 when the picture was saved.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import _
from smmdesk.ui.shell.mainwindow import MainWindow

TIMEOUT_S = 60.0
SETTLE_S = 0.4  # time for the views to draw what the last events said


async def wait_until_ready(window: MainWindow, timeout: float = TIMEOUT_S) -> bool:
    """True once a refresh has finished and no job runs (False when ``timeout`` passed)."""
    refreshed = asyncio.Event()
    if window.refresher.last_refresh is not None or not window.desk.panels():
        refreshed.set()
    window.events.refresh_finished.connect(lambda _changes: refreshed.set())
    deadline = time.monotonic() + timeout
    try:
        await asyncio.wait_for(refreshed.wait(), timeout)
    except TimeoutError:
        return False
    while window.jobs.busy:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    await asyncio.sleep(SETTLE_S)
    QApplication.processEvents()
    return True


async def capture(window: MainWindow, path: Path, timeout: float = TIMEOUT_S) -> int:
    """Save a picture of ``window`` at ``path`` once it is ready; the exit code."""
    if not await wait_until_ready(window, timeout):
        # Translators: "s" is short for seconds.
        text = _("the window was not ready after {seconds} s.")
        print(f"smmdesk: {text.format(seconds=format_integer(round(timeout)))}", file=sys.stderr)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path), "PNG"):
        text = _("could not save the screenshot to {path}.").format(path=path)
        print(f"smmdesk: {text}", file=sys.stderr)
        return 1
    print(_("Screenshot saved to {path}").format(path=path))
    window.close()  # as the reseller quitting: the layout is kept for the next start
    return 0
