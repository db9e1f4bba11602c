"""Exporting orders from the orders view to CSV (``smmdesk.core.export.export_orders``).

The selection is written at once (those orders are in memory). Every order the filters
match may be 100,000 rows: they are read page by page on a worker thread with its own
SQLite connection (WAL lets it read while the window's connection writes), so the window
never freezes while a big file is written.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from PySide6.QtWidgets import QWidget
from sqlite_utils import Database

from smmdesk.core.errors import SmmdeskError
from smmdesk.core.export import export_orders
from smmdesk.core.store import Order, OrderQuery, query_orders
from smmdesk.ui.errors import show_error

EXPORT_PAGE = 5000


def export_selection(parent: QWidget, path: str, orders: list[Order]) -> int | None:
    """Write ``orders`` to ``path``; how many, or None after showing why it failed."""
    try:
        return export_orders(path, orders)
    except SmmdeskError as exc:
        show_error(parent, exc, "Exporting orders")
        return None


async def export_matching(db: Database, query: OrderQuery, path: str) -> int:
    """Write every order matching ``query`` (in its sort order) to ``path``; how many."""
    file_name = database_file(db)
    # A thread of our own, not the loop's default executor (qasync's QThreads are never
    # shut down while the loop lives).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="smmdesk-export") as pool:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(pool, export_from_file, file_name, query, path)


def database_file(db: Database) -> str:
    """The file behind ``db``'s main database."""
    for _, name, file_name in db.execute("PRAGMA database_list"):
        if name == "main":
            return file_name
    raise RuntimeError("the database has no main file")


def export_from_file(file_name: str, query: OrderQuery, path: str) -> int:
    """The worker thread's part: its own connection to ``file_name``, pages of orders."""
    db = Database(file_name)
    try:
        db.execute("BEGIN")  # one snapshot for every page: rows added meanwhile don't shift
        try:
            return export_orders(path, _pages(db, query))
        finally:
            db.execute("ROLLBACK")
    finally:
        db.close()


def _pages(db: Database, query: OrderQuery) -> Iterator[Order]:
    offset = 0
    while True:
        page = query_orders(db, replace(query, limit=EXPORT_PAGE, offset=offset))
        yield from page
        if len(page) < EXPORT_PAGE:
            return
        offset += len(page)
