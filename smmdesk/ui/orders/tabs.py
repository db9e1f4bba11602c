"""StatusTabs: the orders by status at a glance, as tabs with counts that choose the filter.

    All 1,204 · Open 37 · Completed 1,050 · Partial 41 · Canceled 70 · Unknown 6

Each count is of the orders the other filters (panel, dates, text) keep, so the tabs say
what a click would show. A click sets the filter bar's status choice (one filter, two
ways to choose it); choosing a status there selects its tab (or none fits: All stays).

Signals:
    tab_chosen(int)     a tab was clicked (its index in TABS)
    recounted()         the counts shown are new
"""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QTabBar, QWidget
from sqlite_utils import Database

from smmdesk.core.errors import NotFoundLocally
from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import _, pgettext
from smmdesk.core.store import OrderQuery
from smmdesk.core.store.history import _FROM, _where  # the filters' SQL, one source
from smmdesk.core.store.orders import LOST_AFTER
from smmdesk.protocol import CANCELED, COMPLETED, PARTIAL
from smmdesk.ui.orders.filters import STATUS_CHOICES

# tab -> the filter bar's status choice (its key in STATUS_CHOICES). The first names the
# tab in English (never shown: ``tab_title`` says it in the current language).
TABS = (
    ("All", "Any status"),
    ("Open", "Open (still checked)"),
    ("Completed", COMPLETED),
    ("Partial", PARTIAL),
    ("Canceled", CANCELED),
    ("Unknown", "Unknown status"),
)
_CHOICE_INDEX = {key: i for i, (key, _fields) in enumerate(STATUS_CHOICES)}
_COUNTER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="smmdesk-tab-counts")
RECOUNT_MS = 400


def tab_title(tab: int) -> str:
    """The title of TABS[tab] in the current language: which orders the tab shows."""
    # "Open" orders, not "open" a file; the context written out: the extractor reads literals
    titles = (
        pgettext("orders with this status", "All"),
        pgettext("orders with this status", "Open"),
        pgettext("orders with this status", "Completed"),
        pgettext("orders with this status", "Partial"),
        pgettext("orders with this status", "Canceled"),
        pgettext("orders with this status", "Unknown"),
    )
    return titles[tab]


def tab_counts(db: Database, query: OrderQuery) -> list[int]:
    """Each tab's count among the orders ``query`` keeps (its status ignored), in one pass."""
    base = replace(query, status=None, state=None, open_only=False, limit=None, offset=0)
    try:
        where, params = _where(db, base)
    except NotFoundLocally:  # the filter's panel was just removed
        return [0] * len(TABS)
    sums = ", ".join(
        f"sum(o.status = '{STATUS_CHOICES[_CHOICE_INDEX[choice]][1]['status']}')"
        if "status" in STATUS_CHOICES[_CHOICE_INDEX[choice]][1]
        else "sum(o.final = 0 AND o.remote_id IS NOT NULL AND o.not_found_count < ?)"
        for _title, choice in TABS[1:]
    )
    row = db.execute(f"SELECT count(*), {sums}{_FROM}{where}", [LOST_AFTER, *params]).fetchone()
    return [int(value or 0) for value in row]


def _count_apart(path: Path, query: OrderQuery) -> list[int]:
    """``tab_counts`` on a connection of this worker thread's own (WAL: no waiting)."""
    db = Database(sqlite3.connect(str(path), timeout=5))
    try:
        return tab_counts(db, query)
    finally:
        db.close()


class StatusTabs(QTabBar):
    tab_chosen = Signal(int)
    counted = Signal(int, object)  # (which recount, its counts), from the worker thread
    recounted = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("statusTabs")
        self.setAccessibleName(_("Orders by status"))
        self.setDrawBase(False)
        self.setExpanding(False)
        for tab in range(len(TABS)):
            self.addTab(tab_title(tab))
        self.counts: list[int] = [0] * len(TABS)
        self._asked = 0
        self._base: OrderQuery | None = None
        self._path: Path | None = None
        self._later = QTimer(self, singleShot=True, interval=RECOUNT_MS)
        self._later.timeout.connect(self._count_now)
        self.tabBarClicked.connect(self.tab_chosen)
        self.counted.connect(self._show_counts)

    @staticmethod
    def choice_of(tab: int) -> int:
        """The filter bar's status index for ``tab``."""
        return _CHOICE_INDEX[TABS[tab][1]]

    def follow_choice(self, choice: int) -> None:
        """The filter bar's status changed to ``choice``: select its tab, if it has one."""
        key = STATUS_CHOICES[choice][0] if 0 <= choice < len(STATUS_CHOICES) else ""
        tab = next((i for i, (_t, c) in enumerate(TABS) if c == key), None)
        self.blockSignals(True)
        self.setCurrentIndex(0 if tab is None else tab)
        self.blockSignals(False)

    def recount(self, path: Path, query: OrderQuery, *, changed: bool = True) -> None:
        """Count each tab's orders again, soon (RECOUNT_MS after the last ask: a burst of
        changes counts once) in a worker thread (100,000 orders: ~40 ms of SQLite the
        window need not wait for); the texts change when the counts arrive. Not when only
        the status filter changed (``changed`` False: the orders are the same)."""
        base = replace(query, status=None, state=None, open_only=False, limit=None, offset=0)
        if not changed and base == self._base:
            return
        self._base, self._path = base, path
        self._asked += 1
        self._later.start()

    def _count_now(self) -> None:
        asked, path, base = self._asked, self._path, self._base
        if path is not None and base is not None:
            _COUNTER.submit(lambda: self.counted.emit(asked, _count_apart(path, base)))

    def _show_counts(self, asked: int, counts: list[int]) -> None:
        if asked != self._asked:  # a later recount is on its way
            return
        self.counts = counts
        for tab, count in enumerate(counts):
            # Translators: a status tab over the orders table: its title and how many
            # orders it shows ("Completed  1,050"; two spaces between them).
            text = _("{title}  {count}").format(title=tab_title(tab), count=format_integer(count))
            self.setTabText(tab, text)
        self.recounted.emit()
