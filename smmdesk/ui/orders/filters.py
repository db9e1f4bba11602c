"""FilterBar: which orders the orders view shows (panel, status, date range, free text).

Signals:
    filters_changed(object)   the new filters, as an OrderQuery (its order_by is not used)

Choices apply at once; typing in the search field applies after a short pause (debounced),
or at once on Enter. Dates are the reseller's local days: "Today" starts at local midnight.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QWidget

from smmdesk.core.i18n import N_, _, pgettext
from smmdesk.core.store import OrderQuery, OrderState
from smmdesk.core.vocabulary import status_word
from smmdesk.protocol import CANONICAL_STATUSES, UNKNOWN
from smmdesk.ui.i18n import keep_left_to_right

DEBOUNCE_MS = 300
W = TypeVar("W", bound=QWidget)

# (key, OrderQuery fields). The key names a choice (StatusTabs finds its choices by key): in
# English, never translated; the box shows ``status_choice_text`` (a status in the
# vocabulary's words, the others translated where shown).
STATUS_CHOICES: tuple[tuple[str, dict[str, Any]], ...] = (
    (N_("Any status"), {}),
    (N_("Open (still checked)"), {"open_only": True}),
    *((status, {"status": status}) for status in CANONICAL_STATUSES),
    ("Unknown status", {"status": UNKNOWN}),
    (N_("Outcome unknown (check the panel)"), {"state": OrderState.UNKNOWN}),
    (N_("Not placed"), {"state": OrderState.FAILED}),
)
ANY_TIME, TODAY, LAST_7, LAST_30, CUSTOM = range(5)
DATE_CHOICES = (
    N_("Any time"),
    N_("Today"),
    N_("Last 7 days"),
    N_("Last 30 days"),
    N_("Between dates…"),
)


def status_choice_text(index: int) -> str:
    """The status box's text for STATUS_CHOICES[index], in the current language."""
    key, fields = STATUS_CHOICES[index]
    if "status" in fields:
        return status_word(fields["status"])  # the same words as the Status column
    return _(key)


def named(widget: W, name: str) -> W:
    """``widget`` with its object name set (how tests and style sheets find it)."""
    widget.setObjectName(name)
    return widget


def local_midnight(day: date) -> datetime:
    """The first instant of ``day`` in the local time zone (an aware datetime)."""
    return datetime.combine(day, time.min).astimezone()


class FilterBar(QWidget):
    filters_changed = Signal(object)

    def __init__(
        self, panels: list[str], parent: QWidget | None = None, *, debounce_ms=DEBOUNCE_MS
    ):
        super().__init__(parent)
        self.panel_box = named(QComboBox(), "panelFilter")
        self.status_box = named(QComboBox(), "statusFilter")
        for index in range(len(STATUS_CHOICES)):
            self.status_box.addItem(status_choice_text(index))
        self.date_box = named(QComboBox(), "dateFilter")
        self.date_box.addItems([_(choice) for choice in DATE_CHOICES])
        self.since_edit = self._date_edit("sinceFilter", -30)
        self.until_edit = self._date_edit("untilFilter", 0)
        self.text_edit = named(QLineEdit(), "textFilter")
        self.text_edit.setPlaceholderText(_("Search link, #number, order id or reference"))
        self.text_edit.setClearButtonEnabled(True)
        keep_left_to_right(self.since_edit, self.until_edit, self.text_edit)
        self._timer = QTimer(self, singleShot=True, interval=debounce_ms)
        self._timer.timeout.connect(self._emit)
        for widget, name in ((self.panel_box, _("Panel of the orders shown")),
                             (self.status_box, _("Status of the orders shown")),
                             (self.date_box, _("When the orders shown were placed")),
                             (self.since_edit, pgettext("first day shown", "From")),
                             (self.until_edit, pgettext("last day shown", "To")),
                             (self.text_edit, _("Search the orders"))):  # fmt: skip
            widget.setAccessibleName(name)
        self._layout(panels)
        self._connect()

    def _date_edit(self, name: str, days: int) -> QDateEdit:
        edit = named(QDateEdit(QDate.currentDate().addDays(days)), name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setVisible(False)
        return edit

    def _layout(self, panels: list[str]) -> None:
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.set_panels(panels)
        # Translators: between the first and the last day shown: "2025-01-01 to 2025-01-31".
        self._to_label = QLabel(pgettext("between two dates", "to"))
        self._to_label.setVisible(False)
        for widget in (
            self.panel_box,
            self.status_box,
            self.date_box,
            self.since_edit,
            self._to_label,
            self.until_edit,
        ):
            row.addWidget(widget)
        row.addWidget(self.text_edit, 1)

    def _connect(self) -> None:
        for box in (self.panel_box, self.status_box):
            box.currentIndexChanged.connect(self._emit)
        self.date_box.currentIndexChanged.connect(self._date_choice_changed)
        self.since_edit.dateChanged.connect(self._emit)
        self.until_edit.dateChanged.connect(self._emit)
        self.text_edit.textChanged.connect(self._timer.start)
        self.text_edit.returnPressed.connect(self._emit)

    # --- what is chosen -----------------------------------------------------------------
    def query(self) -> OrderQuery:
        """The chosen filters."""
        since, until = self.date_range()
        text = self.text_edit.text().strip() or None
        fields = STATUS_CHOICES[max(self.status_box.currentIndex(), 0)][1]
        return OrderQuery(
            panel=self.panel_box.currentData(), since=since, until=until, text=text, **fields
        )

    def date_range(self, today: date | None = None) -> tuple[datetime | None, datetime | None]:
        """(since, until) as local instants for the chosen dates; None: no bound."""
        today = today or date.today()
        choice = self.date_box.currentIndex()
        if choice == ANY_TIME:
            return None, None
        end = local_midnight(today + timedelta(days=1))
        if choice == CUSTOM:
            first: date = self.since_edit.date().toPython()  # type: ignore[assignment]
            last: date = self.until_edit.date().toPython()  # type: ignore[assignment]
            first, last = min(first, last), max(first, last)
            return local_midnight(first), local_midnight(last + timedelta(days=1))
        days = {TODAY: 0, LAST_7: 6, LAST_30: 29}[choice]
        return local_midnight(today - timedelta(days=days)), end

    def set_panels(self, names: list[str]) -> None:
        """Offer these panels; the chosen one stays chosen while it exists."""
        chosen = self.panel_box.currentData()
        self.panel_box.blockSignals(True)
        self.panel_box.clear()
        self.panel_box.addItem(_("All panels"), None)
        for name in names:
            self.panel_box.addItem(name, name)
        at = self.panel_box.findData(chosen) if chosen is not None else 0
        self.panel_box.setCurrentIndex(max(at, 0))
        self.panel_box.blockSignals(False)
        if chosen is not None and at < 0:
            self._emit()

    # --- applying -----------------------------------------------------------------------
    def apply_now(self) -> None:
        """Apply the filters at once (what Enter in the search field does)."""
        self._emit()

    def cancel_pending(self) -> None:
        """Forget typing not applied yet."""
        self._timer.stop()

    def _date_choice_changed(self) -> None:
        custom = self.date_box.currentIndex() == CUSTOM
        for widget in (self.since_edit, self._to_label, self.until_edit):
            widget.setVisible(custom)
        self._emit()

    def _emit(self) -> None:
        self._timer.stop()
        self.filters_changed.emit(self.query())
