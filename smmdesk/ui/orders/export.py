"""Exporting orders from the orders view to CSV (``Desk.export_orders``, the one export the
CLI uses too).

The selection is small: written at once. Every order the filters match may be a million
rows: they stream on a worker thread (the Desk's export reads from a connection of its own,
inside one read transaction), while a progress dialog shows how far it got and its Cancel
button stops it (no file is left behind).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from smmdesk.core.desk import Desk
from smmdesk.core.errors import SmmdeskError
from smmdesk.core.export import ExportCancelled
from smmdesk.core.i18n import _
from smmdesk.core.store import Order, OrderQuery
from smmdesk.ui.errors import show_error

SHOW_AFTER_MS = 400  # a shorter export shows no progress dialog at all


def export_selection(
    parent: QWidget, desk: Desk, path: str, orders: list[Order], query: OrderQuery
) -> int | None:
    """Write ``orders`` (in the view's sort) to ``path``; how many, or None after showing
    why it failed."""
    try:
        return desk.export_orders(path, query, ids=[order.id for order in orders])
    except SmmdeskError as exc:
        show_error(parent, exc, _("Exporting orders"))
        return None


async def export_matching(
    desk: Desk, query: OrderQuery, path: str, parent: QWidget | None = None
) -> int | None:
    """Write every order matching ``query`` (in its sort order) to ``path``; how many, or
    None when the user stopped it."""
    loop = asyncio.get_running_loop()
    cancel = threading.Event()  # set by Cancel, and once it is over (late news is dropped)
    dialog = _progress_dialog(parent, cancel)

    def on_main(call: Callable[[int], object]) -> Callable[[int], None]:
        def show(value: int) -> None:
            if not cancel.is_set():
                call(value)

        return lambda value: loop.call_soon_threadsafe(show, value)

    total = on_main(lambda count: dialog.setMaximum(max(count, 1)))
    done = on_main(dialog.setValue)
    # A thread of our own, not the loop's default executor (qasync's QThreads are never
    # shut down while the loop lives).
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="smmdesk-export") as pool:
            work = partial(
                desk.export_orders, path, query, total=total, progress=done, cancel=cancel
            )
            return await loop.run_in_executor(pool, work)
    except ExportCancelled:
        return None
    finally:
        cancel.set()
        dialog.close()


def _progress_dialog(parent: QWidget | None, cancel: threading.Event) -> QProgressDialog:
    dialog = QProgressDialog(_("Exporting orders to CSV…"), _("Cancel"), 0, 0, parent)
    dialog.setObjectName("exportProgress")
    dialog.setWindowTitle(_("Exporting orders"))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(cancel.set)
    dialog.setValue(0)
    return dialog
