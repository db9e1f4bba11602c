"""StatusTabs: the orders by status at a glance, as tabs with counts that choose the filter.

    All 1,204 · Open 37 · Completed 1,050 · Partial 41 · Canceled 70 · Unknown 6

Each count is of the orders the other filters (panel, dates, text) keep, so the tabs say
what a click would show. A click sets the filter bar's status choice (one filter, two
ways to choose it); choosing a status there selects its tab (or none fits: All stays).

Signals:
    tab_chosen(int)     a tab was clicked (its index in TABS)
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabBar, QWidget
from sqlite_utils import Database

from smmdesk.core.errors import NotFoundLocally
from smmdesk.core.store import OrderQuery, count_orders
from smmdesk.protocol import CANCELED, COMPLETED, PARTIAL
from smmdesk.ui.orders.filters import STATUS_CHOICES

# tab title -> the filter bar's status choice (its label in STATUS_CHOICES)
TABS = (
    ("All", "Any status"),
    ("Open", "Open (still checked)"),
    ("Completed", COMPLETED),
    ("Partial", PARTIAL),
    ("Canceled", CANCELED),
    ("Unknown", "Unknown status"),
)
_CHOICE_INDEX = {label: i for i, (label, _fields) in enumerate(STATUS_CHOICES)}


class StatusTabs(QTabBar):
    tab_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("statusTabs")
        self.setAccessibleName("Orders by status")
        self.setDrawBase(False)
        self.setExpanding(False)
        for title, _choice in TABS:
            self.addTab(title)
        self.counts: list[int] = [0] * len(TABS)
        self.tabBarClicked.connect(self.tab_chosen)

    @staticmethod
    def choice_of(tab: int) -> int:
        """The filter bar's status index for ``tab``."""
        return _CHOICE_INDEX[TABS[tab][1]]

    def follow_choice(self, choice: int) -> None:
        """The filter bar's status changed to ``choice``: select its tab, if it has one."""
        label = STATUS_CHOICES[choice][0] if 0 <= choice < len(STATUS_CHOICES) else ""
        tab = next((i for i, (_t, c) in enumerate(TABS) if c == label), None)
        self.blockSignals(True)
        self.setCurrentIndex(0 if tab is None else tab)
        self.blockSignals(False)

    def recount(self, db: Database, query: OrderQuery) -> None:
        """Count each tab's orders among those ``query`` keeps (its status ignored)."""
        base = replace(query, status=None, state=None, open_only=False, limit=None, offset=0)
        counts = []
        for _title, choice in TABS:
            fields = STATUS_CHOICES[_CHOICE_INDEX[choice]][1]
            try:
                counts.append(count_orders(db, replace(base, **fields)))
            except NotFoundLocally:
                counts.append(0)
        self.counts = counts
        for tab, ((title, _choice), count) in enumerate(zip(TABS, counts, strict=True)):
            self.setTabText(tab, f"{title}  {count:,}")
