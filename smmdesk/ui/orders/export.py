"""Exporting orders from the orders view to CSV (``smmdesk.core.export.export_orders``).

The selection is small: written at once from the window's connection. Every order the
filters match may be a million rows: they stream on a worker thread with its own SQLite
connection (WAL lets it read while the window's connection writes), inside one read
transaction (rows added meanwhile don't shift it), while a progress dialog shows how far it
got and its Cancel button stops it (no file is left behind).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget
from sqlite_utils import Database

from smmdesk.core.errors import SmmdeskError
from smmdesk.core.export import ExportCancelled, export_orders
from smmdesk.core.store import Order, OrderQuery, count_orders
from smmdesk.ui.errors import show_error

SHOW_AFTER_MS = 400  # a shorter export shows no progress dialog at all


def export_selection(
    parent: QWidget, db: Database, path: str, orders: list[Order], query: OrderQuery
) -> int | None:
    """Write ``orders`` (in the view's sort) to ``path``; how many, or None after showing
    why it failed."""
    try:
        return export_orders(db, path, query, ids=[order.id for order in orders])
    except SmmdeskError as exc:
        show_error(parent, exc, "Exporting orders")
        return None


async def export_matching(
    db: Database, query: OrderQuery, path: str, parent: QWidget | None = None
) -> int | None:
    """Write every order matching ``query`` (in its sort order) to ``path``; how many, or
    None when the user stopped it."""
    file_name = database_file(db)
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
            return await loop.run_in_executor(
                pool, export_from_file, file_name, query, path, total, done, cancel
            )
    except ExportCancelled:
        return None
    finally:
        cancel.set()
        dialog.close()


def _progress_dialog(parent: QWidget | None, cancel: threading.Event) -> QProgressDialog:
    dialog = QProgressDialog("Exporting orders to CSV…", "Cancel", 0, 0, parent)
    dialog.setObjectName("exportProgress")
    dialog.setWindowTitle("Exporting orders")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(cancel.set)
    dialog.setValue(0)
    return dialog


def database_file(db: Database) -> str:
    """The file behind ``db``'s main database."""
    for _, name, file_name in db.execute("PRAGMA database_list"):
        if name == "main":
            return file_name
    raise RuntimeError("the database has no main file")


def export_from_file(
    file_name: str,
    query: OrderQuery,
    path: str,
    total: Callable[[int], object] | None = None,
    progress: Callable[[int], object] | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """The worker thread's part: its own connection to ``file_name``, one snapshot; tells
    ``total`` how many orders match, then ``progress`` how many are written."""
    db = Database(file_name)
    try:
        db.execute("BEGIN")  # one snapshot for the count and every row
        try:
            if total is not None:
                total(count_orders(db, query))
            return export_orders(db, path, query, progress=progress, cancel=cancel)
        finally:
            db.execute("ROLLBACK")
    finally:
        db.close()
