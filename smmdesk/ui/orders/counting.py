"""Counting the orders a filter matches, off the window's thread.

Over a million orders a count can take a while (a text found in most orders: every one is
checked), and the window must not wait for it. ``Counter.count(query)`` counts on a worker
thread with its own SQLite connection and emits ``counted`` on the window's thread when it
is done. A newer request interrupts the one still running; only the newest result is
emitted. Past ``QUICK`` matches the count is told in two steps: "more than QUICK" at once
(the first QUICK matches are found in milliseconds), then the exact figure.

Signals:
    counted(int, bool)   how many orders match the query last asked about; True: "more
                         than" this many, the exact count follows
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal
from sqlite_utils import Database

from smmdesk.core.errors import NotFoundLocally
from smmdesk.core.store import OrderQuery, count_orders

log = logging.getLogger(__name__)


QUICK = 10_000  # past this many matches, "more than" is told before the exact count


class Counter(QObject):
    counted = Signal(int, bool)
    _finished = Signal(int, int, bool)  # (request, count, more): to the window's thread

    def __init__(self, file_name: str, parent: QObject | None = None, *, quick: int = QUICK):
        super().__init__(parent)
        self._file_name = file_name
        self._quick = quick
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="smmdesk-count")
        self._lock = threading.Lock()
        self._asked = 0  # number of the newest request
        self._running: sqlite3.Connection | None = None
        self._finished.connect(self._deliver)

    def count(self, query: OrderQuery) -> None:
        """Count the orders matching ``query``; ``counted`` tells, unless asked again first."""
        with self._lock:
            self._asked += 1
            number = self._asked
            if self._running is not None:
                self._running.interrupt()  # its answer is no longer wanted
        self._pool.submit(self._count, number, query).add_done_callback(_log_failure)

    def close(self) -> None:
        """Stop counting: the running count is interrupted, none is emitted any more."""
        with self._lock:
            self._asked += 1
            if self._running is not None:
                self._running.interrupt()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _count(self, number: int, query: OrderQuery) -> None:
        if number != self._asked:
            return  # asked again while this one waited
        conn = sqlite3.connect(self._file_name)
        try:
            with self._lock:
                self._running = conn
            try:
                total = count_orders(Database(conn), query, at_most=self._quick)
                if total > self._quick:
                    self._finished.emit(number, self._quick, True)
                    total = count_orders(Database(conn), query)
            except NotFoundLocally:  # the filter's panel was just removed
                total = 0
            except sqlite3.OperationalError:
                if number != self._asked:  # interrupted: a newer count follows
                    return
                raise
            self._finished.emit(number, total, False)
        finally:
            with self._lock:
                self._running = None
            conn.close()

    def _deliver(self, number: int, total: int, more: bool) -> None:
        if number == self._asked:
            self.counted.emit(total, more)


def _log_failure(future: Future[None]) -> None:
    error = future.exception() if not future.cancelled() else None
    if error is not None:
        log.error("counting orders failed", exc_info=error)
