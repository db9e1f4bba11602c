"""Searching order history: one OrderQuery, turned into SQL for ``query_orders`` and
``count_orders``.

``order_ids`` gives just the ids of a page (fast to sort); ``orders_by_ids`` applies the same
filters and sort to a given set of local ids.

Filters combine with AND. Dates: ``since`` is inclusive, ``until`` exclusive for a datetime;
a plain date means whole UTC days (``until=date(2024, 5, 3)`` includes May 3rd). Naive
datetimes are taken as UTC. ``text`` matches the local id ("#12" or "12"), and part of the
remote id, the link or the reference, case-insensitively.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from smmdesk.core.errors import FieldProblem, ValidationError
from smmdesk.core.store.orders import LOST_AFTER, ORDER_COLUMNS, Order, order_from_row
from smmdesk.core.store.panels import get_panel
from smmdesk.core.store.sql import day_start_text, time_text
from smmdesk.protocol import CANONICAL_STATUSES, UNKNOWN, canonical_status, squash

# order_by names -> SQL; prefix "-" for descending. Ties are broken by local id.
SORT_KEYS = {
    "id": "o.id",
    "created_at": "o.created_at",
    "updated_at": "o.updated_at",
    "checked_at": "o.checked_at",
    "status": "o.status",
    "panel": "p.name COLLATE NOCASE",
    "service": "o.service_name COLLATE NOCASE",
    "quantity": "o.quantity",
    "charge": "CAST(o.charge AS REAL)",
    "remote_id": "CAST(o.remote_id AS INTEGER), o.remote_id",
}


@dataclass(frozen=True)
class OrderQuery:
    panel: str | None = None  # panel name (any case)
    status: str | tuple[str, ...] | None = None  # any spelling: "completed", "Done", ...
    state: str | tuple[str, ...] | None = None  # "sending", "placed", "unknown", ...
    since: datetime | date | None = None  # created at or after
    until: datetime | date | None = None  # created before (a date: to the end of that day)
    text: str | None = None
    open_only: bool = False  # only orders still being refreshed
    limit: int | None = None
    offset: int = 0
    order_by: str = "-created_at"  # a SORT_KEYS name, "-" prefix for descending


def query_orders(db: Database, query: OrderQuery = OrderQuery()) -> list[Order]:
    """The orders matching ``query``, sorted and paged as it says."""
    return [order_from_row(row) for row in _select(db, ORDER_COLUMNS, query)]


def orders_by_ids(
    db: Database, ids: Iterable[int], query: OrderQuery = OrderQuery()
) -> list[Order]:
    """The orders among local ``ids`` that match ``query``, sorted and paged as it says: how
    a view re-reads only the rows that changed."""
    wanted = sorted({int(order_id) for order_id in ids})
    if not wanted:
        return []
    return [order_from_row(row) for row in _select(db, ORDER_COLUMNS, query, wanted)]


def order_ids(db: Database, query: OrderQuery = OrderQuery()) -> list[int]:
    """The local ids of the orders matching ``query``, sorted and paged as it says.

    Sorting ids alone is several times faster than sorting whole rows when no index gives
    the order (100,000 orders by charge: ~35 ms instead of ~150 ms); read the rows of a page
    with ``orders_by_ids``."""
    return [row[0] for row in _select(db, "o.id", query)]


def count_orders(db: Database, query: OrderQuery = OrderQuery()) -> int:
    """How many orders match ``query`` (limit and offset ignored)."""
    where, params = _where(db, query)
    return db.execute(f"SELECT count(*){_FROM}{where}", params).fetchone()[0]


def normalize_status(text: str) -> str:
    """The canonical status meant by ``text``; ValidationError if it is none of them."""
    status = canonical_status(text)
    if status == UNKNOWN and squash(text) != squash(UNKNOWN):
        known = ", ".join((*CANONICAL_STATUSES, UNKNOWN))
        raise ValidationError(
            [FieldProblem("status", f'"{text}" is not an order status. Use one of: {known}.')]
        )
    return status


_FROM = " FROM orders o JOIN panels p ON p.id = o.panel_id"


def _select(
    db: Database, columns: str, query: OrderQuery, ids: list[int] | None = None
) -> Iterable[tuple[Any, ...]]:
    """Rows of ``columns`` for the orders matching ``query`` (and among ``ids`` when given),
    sorted and paged as it says."""
    where, params = _where(db, query)
    if ids is not None:
        where += (" AND " if where else " WHERE ") + "o.id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(ids))
    sql = f"SELECT {columns}{_FROM}{where} ORDER BY {_order_by(query.order_by)}"
    if query.limit is not None or query.offset:
        sql += " LIMIT ? OFFSET ?"
        params += [-1 if query.limit is None else query.limit, query.offset]
    return db.execute(sql, params)


def _where(db: Database, query: OrderQuery) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []

    def add(clause: str, *values: Any) -> None:
        clauses.append(clause)
        params.extend(values)

    if query.panel is not None:
        add("o.panel_id = ?", get_panel(db, query.panel).id)
    if query.status is not None:
        statuses = [normalize_status(s) for s in _as_tuple(query.status)]
        add(f"o.status IN ({_marks(statuses)})", *statuses)
    if query.state is not None:
        states = _as_tuple(query.state)
        add(f"o.state IN ({_marks(states)})", *states)
    if query.since is not None:
        add("o.created_at >= ?", _bound(query.since, end_of_day=False))
    if query.until is not None:
        add("o.created_at < ?", _bound(query.until, end_of_day=True))
    if query.open_only:
        add("o.final = 0 AND o.remote_id IS NOT NULL AND o.not_found_count < ?", LOST_AFTER)
    if query.text and query.text.strip():
        _add_text(add, query.text.strip())
    return ("" if not clauses else " WHERE " + " AND ".join(clauses)), params


def _add_text(add: Any, text: str) -> None:
    local = text[1:] if text.startswith("#") else text
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    like = "LIKE ? ESCAPE '\\'"
    if text.startswith("#") and local.isdigit():
        add("o.id = ?", int(local))
    elif local.isdigit():
        add(
            f"(o.id = ? OR o.remote_id {like} OR o.link {like} OR o.reference {like})",
            int(local),
            pattern,
            pattern,
            pattern,
        )
    else:
        add(f"(o.remote_id {like} OR o.link {like} OR o.reference {like})", *[pattern] * 3)


def _bound(moment: datetime | date, *, end_of_day: bool) -> str:
    if isinstance(moment, datetime):
        return time_text(moment)
    return day_start_text(moment + timedelta(days=1) if end_of_day else moment)


def _order_by(name: str) -> str:
    descending = name.startswith("-")
    key = name.lstrip("-")
    if key not in SORT_KEYS:
        raise ValueError(f"cannot sort orders by {name!r}; use one of {sorted(SORT_KEYS)}")
    direction = " DESC" if descending else ""
    columns = [f"{column}{direction}" for column in SORT_KEYS[key].split(", ")]
    return ", ".join([*columns, f"o.id{direction}"])


def _as_tuple(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _marks(values: Any) -> str:
    return ", ".join("?" for _ in values)
