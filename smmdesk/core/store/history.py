"""Searching order history: one OrderQuery, turned into SQL for ``query_orders`` and
``count_orders``.

``order_ids`` gives just the ids of a page (fast to sort); ``orders_by_ids`` applies the same
filters and sort to a given set of local ids; ``order_rows`` streams any columns of every
match (an export reads a million orders through it without holding them).

Filters combine with AND. Dates: ``since`` is inclusive, ``until`` exclusive for a datetime;
a plain date means whole UTC days (``until=date(2024, 5, 3)`` includes May 3rd). Naive
datetimes are taken as UTC. ``text``: see smmdesk.core.store.search.

Paging: ``after`` (keyset paging) starts a page after an order's sort key (``sort_key_of``),
read through the sort's index however deep the page is; ``offset`` counts rows to skip
(fine for the first pages). Every filter and sort the orders view offers has an index
(migration m005); tests check the query plans.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from smmdesk.core.errors import FieldProblem, ValidationError
from smmdesk.core.store import search
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
# Sorts whose value may be NULL (NULLs sort first, as SQLite does).
_NULLABLE = {"checked_at", "status", "service", "quantity", "charge", "remote_id"}
# Sorted by anything but the time, a filter matching at least this many orders is read by
# walking the sort's index (a page is soon full); one matching fewer by the filter's index
# (few to sort). The query planner cannot tell the two apart without statistics.
DENSE = 5_000
RARE = 0.001  # the likelihood the planner is told a filter has when it matches few orders


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
    after: tuple[Any, ...] | None = None  # sort_key_of the order the page starts after


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
    """The local ids of the orders matching ``query``, sorted and paged as it says (read the
    rows of a page with ``orders_by_ids``)."""
    return [row[0] for row in _select(db, "o.id", query)]


def order_rows(
    db: Database, columns: str, query: OrderQuery, ids: Iterable[int] | None = None
) -> Iterator[tuple[Any, ...]]:
    """``columns`` (SQL over ``orders o`` and ``panels p``) of every order matching
    ``query`` (and among ``ids`` when given), sorted as it says, one row at a time."""
    wanted = None if ids is None else sorted({int(order_id) for order_id in ids})
    return _select(db, columns, query, wanted)


def count_orders(
    db: Database, query: OrderQuery = OrderQuery(), *, at_most: int | None = None
) -> int:
    """How many orders match ``query`` (limit, offset and after ignored). With ``at_most``
    the counting stops past it: a result over ``at_most`` means "more than at_most" (a text
    found in half of a million orders is told in milliseconds, the exact count after)."""
    where, params = _where(db, query)
    text = _text(query)
    if text and search.indexed(text):
        matches, more = search.match_set(db, text)
        clause, values = search.text_clause(text)
        rows = f"FROM ({matches}) m CROSS JOIN orders o ON o.id = m.id{_and(where, clause)}"
        params = [*more, *params, *values]
    else:
        if text:
            clause, values = search.text_clause(text)
            where, params = _and(where, clause), [*params, *values]
        rows = f"FROM orders o{where}"
    if at_most is None:
        return db.execute(f"SELECT count(*) {rows}", params).fetchone()[0]
    sql = f"SELECT count(*) FROM (SELECT 1 {rows} LIMIT ?)"
    return db.execute(sql, [*params, at_most + 1]).fetchone()[0]


def sort_key_of(db: Database, order_id: int, order_by: str) -> tuple[Any, ...] | None:
    """The values ``order_by`` sorts order ``order_id`` by, its id last: an ``after`` for
    the page that follows it. None when there is no such order."""
    keys = [c for c in _split(_key_columns(order_by)) if c != "o.id"]
    sql = f"SELECT {', '.join([*keys, 'o.id'])}{_FROM} WHERE o.id = ?"
    row = db.execute(sql, (order_id,)).fetchone()
    return None if row is None else tuple(row)


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
) -> Iterator[tuple[Any, ...]]:
    """Rows of ``columns`` for the orders matching ``query`` (and among ``ids`` when given),
    sorted and paged as it says: one statement per keyset phase (see ``_phases``)."""
    if query.after is not None and query.offset:
        raise ValueError("a query pages either by offset or after a sort key, not both")
    where, params = _where(db, query)
    by_sort = True  # read along the sort's index (else: through a filter's, then sorted)
    if ids is not None:
        where = _and(where, "o.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(ids))
        by_sort = False  # the ids lead: few to sort
    elif where and not _matching_at_least(db, where, params, DENSE):
        by_sort = False
        where, params = _where(db, query, "rare")
    elif where and query.order_by.lstrip("-") != "created_at":  # (m005 pairs each with time)
        where, params = _where(db, query, "off")
    left = query.limit
    for phase, values in _phases(query, indexed=by_sort):
        if left is not None and left <= 0:
            return
        rows = _select_phase(
            db, columns, query, _and(where, phase), [*params, *values], left, by_sort
        )
        for row in rows:
            yield row
            if left is not None:
                left -= 1


def _select_phase(
    db: Database,
    columns: str,
    query: OrderQuery,
    where: str,
    params: list[Any],
    limit: int | None,
    by_sort: bool,
) -> Iterable[tuple[Any, ...]]:
    order = _order_by(query.order_by, indexed=by_sort)
    text = _text(query)
    if text:
        clause, values = search.text_clause(text)
        if "json_each" not in where and search.indexed(text):
            found = _walk(db, query, where, params, clause, values, limit, order)
            if found is not None:  # the walk filled the page (or read every order)
                return _rows_of(db, columns, order, found)
            matches, more = search.match_set(db, text)
            sql = (
                f"SELECT {columns} FROM ({matches}) m CROSS JOIN orders o ON o.id = m.id "
                f"JOIN panels p ON p.id = o.panel_id{_and(where, clause)} ORDER BY {order}"
            )
            return db.execute(*_paged(sql, [*more, *params, *values], limit, query.offset))
        where, params = _and(where, clause), [*params, *values]
    sql = f"SELECT {columns}{_FROM}{where} ORDER BY {order}"
    return db.execute(*_paged(sql, params, limit, query.offset))


def _walk(
    db: Database,
    query: OrderQuery,
    where: str,
    params: list[Any],
    clause: str,
    values: list[Any],
    limit: int | None,
    order: str,
) -> list[int] | None:
    """The ids of a page of text matches found by walking the sort order for at most
    WALK_ROWS orders; None when those orders did not hold the whole page."""
    if limit is None:
        return None
    wanted = query.offset + limit
    sql = f"SELECT o.id, {clause}{_FROM}{where} ORDER BY {order} LIMIT ?"
    found: list[int] = []
    walked = 0
    for order_id, hit in db.execute(sql, [*values, *params, search.WALK_ROWS]):
        walked += 1
        if hit:
            found.append(order_id)
            if len(found) == wanted:
                return found[query.offset :]
    return found[query.offset :] if walked < search.WALK_ROWS else None


def _rows_of(db: Database, columns: str, order: str, ids: list[int]) -> Iterable[tuple[Any, ...]]:
    if columns == "o.id":
        return [(order_id,) for order_id in ids]
    sql = f"SELECT {columns}{_FROM} WHERE o.id IN (SELECT value FROM json_each(?)) ORDER BY {order}"
    return db.execute(sql, [json.dumps(ids)])


def _paged(sql: str, params: list[Any], limit: int | None, offset: int) -> tuple[str, list[Any]]:
    if limit is not None or offset:
        sql += " LIMIT ? OFFSET ?"
        params = [*params, -1 if limit is None else limit, offset]
    return sql, params


def _matching_at_least(db: Database, where: str, params: list[Any], count: int) -> bool:
    sql = f"SELECT count(*) FROM (SELECT 1 FROM orders o{where} LIMIT ?)"
    return db.execute(sql, [*params, count]).fetchone()[0] >= count


def _phases(query: OrderQuery, *, indexed: bool = True) -> list[tuple[str, list[Any]]]:
    """The conditions that read, in order, what follows ``query.after``.

    The sort order is the orders whose sort value is NULL (by id), then the others (by
    value, then id); descending, the reverse. A row-value comparison reads through the
    sort's index; the NULL group is a phase of its own. Not ``indexed``: the comparison is
    kept off the sort's index (a filter's index reads fewer orders)."""
    after = query.after
    if after is None:
        return [("", [])]
    name = query.order_by.lstrip("-")
    descending = query.order_by.startswith("-")
    plus = "" if indexed else "+"
    keys = [c for c in _split(SORT_KEYS[_check_sort(name)]) if c != "o.id"]
    columns = [f"{plus}{c}" for c in (*keys, "o.id")]
    if len(after) != len(columns):
        raise ValueError(f"a sort key for {query.order_by!r} has {len(columns)} values")
    first = columns[0]
    if name not in _NULLABLE or after[0] is not None:
        compare = "<" if descending else ">"
        marks = ", ".join("?" for _ in after)
        phases = [(f"({', '.join(columns)}) {compare} ({marks})", list(after))]
        if name in _NULLABLE and descending:
            phases.append((f"{first} IS NULL", []))
        return phases
    compare = "<" if descending else ">"
    phases = [(f"{first} IS NULL AND o.id {compare} ?", [after[-1]])]
    if not descending:
        phases.append((f"{first} IS NOT NULL", []))
    return phases


def _where(db: Database, query: OrderQuery, how: str = "") -> tuple[str, list[Any]]:
    """The filters of ``query`` but its text (``search`` adds that). ``how`` tells the
    query planner what SQLite's statistics (an average per index) cannot: "rare", the
    filters match few orders (each term wrapped in ``likelihood(term, RARE)``: read through
    their index); "off", they match many (``+o.column``: kept off their indexes, the sort's
    index is walked instead)."""
    clauses: list[str] = []
    params: list[Any] = []

    def add(term: str, *values: Any) -> None:
        if how == "off":
            term = f"+o.{term}"
        elif how == "rare":
            term = f"likelihood(o.{term}, {RARE})"
        else:
            term = f"o.{term}"
        clauses.append(term)
        params.extend(values)

    if query.panel is not None:
        add("panel_id = ?", get_panel(db, query.panel).id)
    if query.status is not None:
        statuses = [normalize_status(s) for s in _as_tuple(query.status)]
        add(f"status IN ({_marks(statuses)})", *statuses)
    if query.state is not None:
        states = _as_tuple(query.state)
        add(f"state IN ({_marks(states)})", *states)
    if query.since is not None:
        add("created_at >= ?", _bound(query.since, end_of_day=False))
    if query.until is not None:
        add("created_at < ?", _bound(query.until, end_of_day=True))
    text = _text(query)
    if text and not search.indexed(text) and not text.startswith("#"):
        newest = search.short_text_scope(db)  # a text too short for the index
        if newest is not None:
            add("id > ?", newest)
    if query.open_only:
        # "final = 0" picks the partial index orders_open_by_created, which holds the rest
        # ("+" keeps the remote id's own index out of it)
        add("final = 0")
        clauses.append("+o.remote_id IS NOT NULL")
        add("not_found_count < ?", LOST_AFTER)
    return ("" if not clauses else " WHERE " + " AND ".join(clauses)), params


def _and(where: str, clause: str) -> str:
    if not clause:
        return where
    return f"{where} AND {clause}" if where else f" WHERE {clause}"


def _text(query: OrderQuery) -> str:
    return query.text.strip() if query.text else ""


def _bound(moment: datetime | date, *, end_of_day: bool) -> str:
    if isinstance(moment, datetime):
        return time_text(moment)
    return day_start_text(moment + timedelta(days=1) if end_of_day else moment)


def _check_sort(key: str) -> str:
    if key not in SORT_KEYS:
        raise ValueError(f"cannot sort orders by {key!r}; use one of {sorted(SORT_KEYS)}")
    return key


def _split(columns: str) -> list[str]:
    return columns.split(", ")


def _key_columns(order_by: str) -> str:
    return SORT_KEYS[_check_sort(order_by.lstrip("-"))]


def _order_by(name: str, *, indexed: bool = True) -> str:
    """The ORDER BY terms; not ``indexed``: written ``+column`` so that no index gives the
    order and the planner reads through the filter's index instead (few rows to sort)."""
    direction = " DESC" if name.startswith("-") else ""
    plus = "" if indexed else "+"
    columns = [c for c in _split(SORT_KEYS[_check_sort(name.lstrip("-"))]) if c != "o.id"]
    terms = [*(f"{plus}{column}{direction}" for column in columns), f"{plus}o.id{direction}"]
    return ", ".join(terms)


def _as_tuple(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _marks(values: Any) -> str:
    return ", ".join("?" for _ in values)
