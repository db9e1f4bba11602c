"""What the orders table shows: its columns, status labels and colours, and sort keys.

Each column has a title, how to show an order in it, and the ``OrderQuery.order_by`` name
that sorts by it (None: not sortable). ``sort_key`` mirrors in Python the SQL ORDER BY of
``smmdesk.core.store.history`` (NULLs first ascending, NOCASE for names, the integer part of
remote ids, ties by local id), so a changed or new row can be put where the database would
put it without reading the whole result again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from smmdesk.core.i18n import N_, _, left_to_right
from smmdesk.core.store import Order, OrderState
from smmdesk.core.vocabulary import cost_tip, order_cost, order_status
from smmdesk.protocol import CANCELED, COMPLETED, FAILED, IN_PROGRESS, PARTIAL, PENDING
from smmdesk.ui.i18n import money_text


@dataclass(frozen=True)
class Column:
    title: str  # English, marked with N_: the header shows _(title) (``header``)
    text: Callable[[Order], str]
    sort: str | None = None  # an OrderQuery.order_by name
    numeric: bool = False  # right-aligned
    tip: Callable[[Order], str] | None = None  # the cell's tooltip

    @property
    def header(self) -> str:
        """The column's title as the header shows it, in the current language."""
        return _(self.title)


def local_time(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M")


def charge_text(order: Order) -> str:
    """What the order cost, as smmdesk.core.vocabulary says it, in the window's even
    two-decimal amounts (the exact amount is in the tooltip: ``cost_tip``); "0.60 USD"
    stays in that order in a right-to-left window."""
    return left_to_right(order_cost(order, money_text))


def service_text(order: Order) -> str:
    """ "2 Instagram Likes"; an order tracked by its id: the panel's status says no service."""
    text = f"{order.service_id or ''} {order.service_name or ''}".strip()
    if not text and order.state == OrderState.TRACKED:
        return _("Placed on the panel's site (tracked by id)")
    return text


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


status_label = order_status  # the Status column: the same words as the CLI and the export


def _link(order: Order) -> str:
    if order.link:
        return left_to_right(order.link)
    return "—" if order.state == OrderState.TRACKED else ""


# The ids, links and times keep reading left to right in a right-to-left window.
COLUMNS: tuple[Column, ...] = (
    # Translators: the header of the column of smmdesk's order numbers ("#12").
    Column(N_("#"), lambda o: left_to_right(f"{o.id}"), "id", numeric=True),
    Column(N_("Panel"), lambda o: o.panel_name, "panel"),
    Column(N_("Order id"), lambda o: left_to_right(o.remote_id or ""), "remote_id", numeric=True),
    Column(N_("Service"), service_text, "service"),
    Column(N_("Link"), _link),
    Column(N_("Quantity"), lambda o: _number(o.quantity), "quantity", numeric=True),
    Column(N_("Charge"), charge_text, "charge", numeric=True, tip=cost_tip),
    Column(N_("Status"), status_label, "status"),
    Column(N_("Start count"), lambda o: _number(o.start_count), numeric=True),
    Column(N_("Remains"), lambda o: _number(o.remains), numeric=True),
    Column(N_("Reference"), lambda o: o.reference or ""),
    Column(N_("Created"), lambda o: left_to_right(local_time(o.created_at)), "created_at"),
    Column(N_("Updated"), lambda o: left_to_right(local_time(o.updated_at)), "updated_at"),
)
STATUS_COLUMN = next(i for i, c in enumerate(COLUMNS) if c.title == "Status")
LINK_COLUMN = next(i for i, c in enumerate(COLUMNS) if c.title == "Link")
DEFAULT_SORT = "-created_at"


def column_of(order_by: str) -> int:
    """The column sorted by ``order_by`` ("-created_at" -> the Created column)."""
    name = order_by.lstrip("-")
    return next(i for i, c in enumerate(COLUMNS) if c.sort == name)


# --- colours ----------------------------------------------------------------------------
_COLOURS = {
    PENDING: "#8a94a6",
    IN_PROGRESS: "#2f80ed",
    PARTIAL: "#f2994a",
    COMPLETED: "#27ae60",
    CANCELED: "#6b6b6b",
    FAILED: "#d64545",
    "unknown-status": "#9b51e0",
    "attention": "#e2b100",  # outcome unknown, lost: the reseller should look
    OrderState.SENDING: "#b0b7c3",
}
_ICONS: dict[str, QIcon] = {}


def status_colour_name(order: Order) -> str:
    if order.state == OrderState.SENDING:
        return OrderState.SENDING
    if order.state == OrderState.UNKNOWN or order.lost:
        return "attention"
    if order.state == OrderState.FAILED:
        return FAILED
    if order.status is None:
        return PENDING
    return order.status if order.status in _COLOURS else "unknown-status"


def status_colour(order: Order) -> QColor:
    return QColor(_COLOURS[status_colour_name(order)])


def status_icon(order: Order) -> QIcon:
    """A coloured dot shown next to the status text (the text says it too)."""
    name = status_colour_name(order)
    icon = _ICONS.get(name)
    if icon is None:
        pixmap = QPixmap(12, 12)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(_COLOURS[name]))
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()
        icon = _ICONS[name] = QIcon(pixmap)
    return icon


# --- sorting as SQLite does --------------------------------------------------------------
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_LEADING_INT = re.compile(r"\s*([+-]?\d+)")


def _nullable(value: Any) -> tuple[Any, ...]:
    return (0,) if value is None else (1, value)


def _nocase(text: str | None) -> str | None:
    return None if text is None else text.translate(_ASCII_LOWER)


def _sql_int(text: str | None) -> int | None:
    if text is None:
        return None
    match = _LEADING_INT.match(text)
    return int(match.group(1)) if match else 0


_SORT_VALUES: dict[str, Callable[[Order], tuple[Any, ...]]] = {
    "id": lambda o: (),
    "created_at": lambda o: (_nullable(o.created_at),),
    "updated_at": lambda o: (_nullable(o.updated_at),),
    "checked_at": lambda o: (_nullable(o.checked_at),),
    "status": lambda o: (_nullable(o.status),),
    "panel": lambda o: (_nullable(_nocase(o.panel_name)),),
    "service": lambda o: (_nullable(_nocase(o.service_name)),),
    "quantity": lambda o: (_nullable(o.quantity),),
    "charge": lambda o: (_nullable(o.charge),),
    "remote_id": lambda o: (_nullable(_sql_int(o.remote_id)), _nullable(o.remote_id)),
}


class _Descending:
    """Wraps a key so that larger sorts first."""

    __slots__ = ("key",)

    def __init__(self, key: tuple[Any, ...]):
        self.key = key

    def __lt__(self, other: _Descending) -> bool:
        return other.key < self.key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and other.key == self.key

    __hash__ = None  # type: ignore[assignment]


def sort_key(order_by: str) -> Callable[[Order], Any]:
    """A key function ordering orders as ``ORDER BY`` for ``order_by`` does in SQLite."""
    name = order_by.lstrip("-")
    values = _SORT_VALUES[name]
    if order_by.startswith("-"):
        return lambda o: _Descending((*values(o), o.id))
    return lambda o: (*values(o), o.id)
