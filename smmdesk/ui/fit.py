"""Columns that fit their view: the column that tells rows apart gets the room, the others
their content's width, so nothing hides off the right edge at 1280 px or at 2560 px.

``ColumnFitter(view, priority={column: minimum px}, shrinkable={column: floor px})``:

- every column not in ``priority`` is as wide as its content (its header and the widest
  of the rows the view has drawn), capped at ``cap`` px;
- the ``priority`` columns share what is left, each never under its minimum;
- when the room is too short for that, the ``shrinkable`` columns give way first, down to
  their floor (their texts elide; the full text is in the tooltip); with ``yield_all`` they
  give way until the priority columns have all they want (the catalog's names), else only
  until they have their minimum (the orders' dates stay whole).

``measure(column)`` gives a column's content width (default: Qt's ``sizeHintForColumn``,
which asks the model for every role of every cell in view: a view of Python-made rows can
measure its texts much faster itself).

It fits again (once the event loop is back) when the viewport is resized or the rows
change, until the reseller drags a
column edge: from then on their widths are kept (``manual``) until ``refit()``.
``fits()`` says whether every column is within the viewport (no horizontal scrolling).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QHeaderView, QTableView, QTreeView

CAP = 260  # no content-sized column wider than this
PAD = 14  # room around a cell's text (its margins)
ARROW = 14  # the sort indicator's room, in the sorted column's header
SAMPLED_ROWS = 0  # rows looked at beyond those in view, for a column's content width


class ColumnFitter(QObject):
    def __init__(
        self,
        view: QTreeView | QTableView,
        *,
        priority: dict[int, int],
        shrinkable: dict[int, int] | None = None,
        cap: int = CAP,
        yield_all: bool = False,
        measure: Callable[[int], int] | None = None,
    ) -> None:
        super().__init__(view)
        self.view = view
        self.priority = dict(priority)
        self.shrinkable = dict(shrinkable or {})
        self.cap = cap
        self.yield_all = yield_all
        self.measure = measure or view.sizeHintForColumn
        self.manual = False
        self._fitting = False
        self._later = QTimer(self, singleShot=True, interval=0)
        self._later.timeout.connect(self._fit)
        header = self.header()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(24)
        # content widths from the rows in view only: Qt's default reads 1,000 rows a column,
        # ~60 ms of Python model calls on every fit of a 13-column table (a refresh's stall)
        header.setResizeContentsPrecision(SAMPLED_ROWS)
        for column in range(header.count()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.sectionResized.connect(self._resized_by_hand)
        view.viewport().installEventFilter(self)
        model = view.model()
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted,
                       model.dataChanged):  # fmt: skip
            signal.connect(self.schedule)

    def header(self) -> QHeaderView:
        view = self.view
        return view.header() if isinstance(view, QTreeView) else view.horizontalHeader()

    # --- when ------------------------------------------------------------------------------
    def schedule(self, *_: object) -> None:
        """Fit once the event loop is back (several changes in a row fit once)."""
        if not self.manual:
            self._later.start()

    def refit(self) -> None:
        """Forget widths set by hand and fit now."""
        self.manual = False
        self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and not self.manual:
            self._fit()
        return False

    def _resized_by_hand(self, *_: object) -> None:
        if not self._fitting and self.view.isVisible():
            self.manual = True

    # --- how -------------------------------------------------------------------------------
    def content_width(self, column: int) -> int:
        header = self.header()
        title = str(header.model().headerData(column, header.orientation()) or "")
        titled = header.fontMetrics().horizontalAdvance(title) + PAD
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == column:
            titled += ARROW
        shown = self.measure(column)
        return min(max(titled, shown + 4), self.cap)

    def widths(self, room: int) -> dict[int, int]:
        """The width of every shown column for a viewport ``room`` px wide."""
        header = self.header()
        columns = [c for c in range(header.count()) if not header.isSectionHidden(c)]
        sized = {c: self.content_width(c) for c in columns if c not in self.priority}
        least = {c: self.priority[c] for c in columns if c in self.priority}
        wanted = {c: max(least[c], self._wanted(c)) for c in least}
        left = room - sum(sized.values())
        for column, floor in self.shrinkable.items():  # give way, first listed first
            short = sum((wanted if self.yield_all else least).values()) - left
            if short > 0 and column in sized:
                give = max(min(sized[column] - floor, short), 0)
                sized[column] -= give
                left += give
        spare = left - sum(least.values())
        growth = sum(wanted[c] - least[c] for c in least)
        if spare >= growth:  # all they want, and the rest shared
            share = (spare - growth) // max(len(least), 1)
            sized.update({c: wanted[c] + share for c in least})
        else:  # their minimum, and what is left in proportion to what they lack
            sized.update(
                {
                    c: least[c] + max(spare, 0) * (wanted[c] - least[c]) // max(growth, 1)
                    for c in least
                }
            )
        return sized

    def _wanted(self, column: int) -> int:
        return min(self.measure(column) + PAD, 2 * self.cap)

    def _fit(self) -> None:
        room = self.view.viewport().width()
        if room <= 0:
            return
        self._fitting = True
        try:
            header = self.header()
            for column, width in self.widths(room).items():
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._fitting = False

    def sound(self) -> bool:
        """Every column within view, none under its least width (a restored layout)."""
        header = self.header()
        for column in range(header.count()):
            least = self.priority.get(column, header.minimumSectionSize())
            if not header.isSectionHidden(column) and header.sectionSize(column) < least:
                return False
        return self.fits()

    def fits(self) -> bool:
        """Every column lies within the viewport: no horizontal scrolling needed."""
        header = self.header()
        return header.length() <= self.view.viewport().width()
