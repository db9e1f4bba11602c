"""The import ledger: which files were imported, and what became of each of their rows.

An import is one file *content* (its sha256): importing the same bytes again, after a crash,
a kill or a closed laptop, opens the same import, so a row keeps one identity across runs:
``<file hash>:<row number>``. The tables (``imports``, ``import_rows``) come from migration
``m002_imports``. A row's stored state:

    ready       valid and never sent (or "resend" chosen by the user)  --claim_row-->  sending
    invalid     failed validation at the last preview; never sent
    sending     its order is recorded "sending" and linked to it: the add may be out
    placed      the panel answered with its order id
    failed      the panel definitely refused it, nothing was placed: a re-run sends it again
    unknown     the add may or may not have reached the panel: never sent again, unless the
                user chooses "resend" (``resolve_row``)
    not_placed  the user checked: not on the panel, and not to be sent

``claim_row`` records the order "sending" and links it to the row in ONE transaction,
committed before the request goes out; the answer settles the order and the row in one
transaction (both through smmdesk.core.sending, with ``RowHook``). So a kill at any moment
leaves either a ready row (nothing went out) or a linked one (something may have): the
second is never resent blindly.

Rows read back (``load_rows``) carry an *effective* state: a row left sending/unknown whose
order the user resolved elsewhere (``order resolve``) reads as that order says.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlite_utils import Database

from smmdesk.core import sending, store
from smmdesk.core.api.models import Service
from smmdesk.core.errors import FieldProblem, NotFoundLocally, ValidationError
from smmdesk.core.i18n import _
from smmdesk.core.importer.rawfile import OrderFile, RawRow
from smmdesk.core.ordertypes import OrderDraft
from smmdesk.core.store.sql import now, parse_time, sql_in, time_text, transaction
from smmdesk.core.vocabulary import OrderState, RowState

SENDABLE = (RowState.READY, RowState.FAILED)  # a run sends these (when valid)
UNSETTLED = (RowState.SENDING, RowState.UNKNOWN)  # may be on the panel: the user decides
READY, INVALID, FAILED = RowState.READY, RowState.INVALID, RowState.FAILED
_SENDABLE_SQL = sql_in(*SENDABLE)
# orders that went out (placed, or maybe placed): a row of them is a possible duplicate
_SENT_SQL = sql_in(OrderState.SENDING, OrderState.PLACED, OrderState.UNKNOWN, OrderState.TRACKED)
_CHUNK = 500  # ids per "IN (...)" query
PAGE = 1000  # rows per read of read_rows


@dataclass(frozen=True)
class ImportRecord:
    id: int
    file_hash: str
    file_name: str
    format: str
    default_panel: str | None
    row_count: int
    created_at: datetime
    updated_at: datetime
    counts: Mapping[str, int] = field(default_factory=dict, hash=False)  # state -> rows


@dataclass(frozen=True)
class RowPlan:
    """A validated row as the ledger keeps it before sending. ``error`` None = valid."""

    number: int
    line: int
    values: Mapping[str, str]
    problem: str | None
    panel: str | None
    service: str | None
    fingerprint: str | None
    error: str | None


@dataclass(frozen=True)
class RowRecord:
    import_id: int
    number: int
    line: int
    values: Mapping[str, str] = field(hash=False)
    problem: str | None
    panel: str | None
    service: str | None
    fingerprint: str | None
    state: RowState  # effective (see the module docstring)
    stored_state: RowState
    order_id: int | None
    remote_id: str | None
    link: str | None
    error: str | None
    updated_at: datetime


@dataclass(frozen=True)
class Duplicate:
    """A row of another import with the same panel, service and fields, that was sent."""

    file_name: str
    number: int
    at: datetime
    remote_id: str | None

    def describe(self) -> str:
        when = self.at.astimezone().strftime("%Y-%m-%d %H:%M")
        if self.remote_id:
            # Translators: part of "Possible duplicate of {earlier}."; {file} is a file's
            # name, {when} a date and time, {remote_id} the panel's order id.
            text = _("row {number} of “{file}”, sent {when} as order {remote_id}")
        else:
            # Translators: part of "Possible duplicate of {earlier}."; {file} is a file's
            # name, {when} a date and time.
            text = _("row {number} of “{file}”, sent {when}")
        return text.format(
            number=self.number, file=self.file_name, when=when, remote_id=self.remote_id
        )


class RowTaken(Exception):
    """The row was claimed meanwhile (another smmdesk process sends the same file)."""


def identity(file_hash: str, number: int) -> str:
    return f"{file_hash}:{number}"


# --- imports -------------------------------------------------------------------------------


def open_import(
    db: Database, order_file: OrderFile, *, default_panel: str | None = None
) -> ImportRecord:
    """The import of this file content, created on first use."""
    stamp = time_text(now())
    with transaction(db):
        db.execute(
            "INSERT INTO imports (file_hash, file_name, format, default_panel, row_count, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(file_hash) DO "
            "UPDATE SET file_name = excluded.file_name, default_panel = "
            "excluded.default_panel, updated_at = excluded.updated_at",
            (
                order_file.content_hash,
                order_file.name or "pasted text",
                order_file.format,
                default_panel,
                len(order_file.rows),
                stamp,
                stamp,
            ),
        )
        record = find_import(db, order_file.content_hash)
    assert record is not None
    return record


def find_import(db: Database, file_hash: str) -> ImportRecord | None:
    row = db.execute(f"{_IMPORT_SELECT} WHERE file_hash = ?", (file_hash,)).fetchone()
    return None if row is None else _import(db, row)


def get_import(db: Database, import_id: int) -> ImportRecord:
    row = db.execute(f"{_IMPORT_SELECT} WHERE id = ?", (import_id,)).fetchone()
    if row is None:
        raise NotFoundLocally(
            _("smmdesk has no import number {id}. Check the number.").format(id=import_id)
        )
    return _import(db, row)


def list_imports(db: Database, limit: int = 100) -> list[ImportRecord]:
    """The latest imports, newest first, with their row counts per state."""
    rows = db.execute(f"{_IMPORT_SELECT} ORDER BY updated_at DESC, id DESC LIMIT ?", (limit,))
    return [_import(db, row) for row in rows.fetchall()]


def stored_file(db: Database, import_id: int) -> OrderFile:
    """The import's rows as an OrderFile again (to preview and resume without the file)."""
    record = get_import(db, import_id)
    rows = [
        RawRow(number, line, json.loads(values), problem)
        for number, line, values, problem in db.execute(
            'SELECT row_number, line, "values", problem FROM import_rows WHERE import_id = ? '
            "ORDER BY row_number",
            (import_id,),
        )
    ]
    columns = list(dict.fromkeys(key for row in rows for key in row.values))
    file_format: Literal["csv", "mass"] = "mass" if record.format == "mass" else "csv"
    return OrderFile(
        rows, file_format, "", None, columns, [], record.file_hash, [], record.file_name
    )


# --- rows ----------------------------------------------------------------------------------


def save_rows(db: Database, record: ImportRecord, plans: Sequence[RowPlan]) -> None:
    """Write validated rows (one transaction). Rows already sent keep everything they had;
    rows not sent yet take the new validation (ready or invalid; failed stays failed)."""
    stamp = time_text(now())
    with transaction(db):
        db.conn.executemany(
            'INSERT INTO import_rows (import_id, row_number, identity, line, "values", problem, '
            "panel, service, fingerprint, state, error, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(identity) DO UPDATE SET "
            'line = excluded.line, "values" = excluded."values", problem = excluded.problem, '
            "panel = excluded.panel, service = excluded.service, "
            "fingerprint = excluded.fingerprint, "
            f"state = CASE WHEN excluded.state = '{INVALID}' THEN '{INVALID}' "
            f"WHEN import_rows.state = '{FAILED}' THEN '{FAILED}' ELSE '{READY}' END, "
            f"error = CASE WHEN excluded.state = '{INVALID}' THEN excluded.error "
            f"WHEN import_rows.state = '{FAILED}' THEN import_rows.error END, "
            "updated_at = excluded.updated_at "
            f"WHERE import_rows.state IN {sql_in(READY, INVALID, FAILED)}",
            [_plan_values(record, plan, stamp) for plan in plans],
        )


@dataclass(frozen=True)
class RowHook:
    """An import row written with its order, in the same transactions
    (smmdesk.core.sending.LedgerHook): linked when the order is recorded "sending", settled
    with it after the answer."""

    import_id: int
    number: int

    def recorded(self, db: Database, order: store.Order) -> None:
        """Link the row to its order; RowTaken (recording nothing) when the row is no
        longer ready or failed (another run took it)."""
        cursor = db.execute(
            "UPDATE import_rows SET state = ?, order_id = ?, error = NULL, updated_at = ? "
            f"WHERE import_id = ? AND row_number = ? AND state IN {_SENDABLE_SQL}",
            (RowState.SENDING, order.id, time_text(now()), self.import_id, self.number),
        )
        if cursor.rowcount != 1:
            raise RowTaken(f"row {self.number} was taken")

    def settled(self, db: Database, order: store.Order, error: str | None) -> None:
        _set_row(db, self.import_id, self.number, RowState(order.state), error)


def claim_row(
    db: Database,
    import_id: int,
    number: int,
    *,
    panel: store.Panel,
    service: Service,
    draft: OrderDraft,
    reference: str | None = None,
    owner: str | None = None,
    sale_price: Decimal | None = None,
) -> store.Order:
    """Record the row's order as "sending" and link it, in one committed transaction
    (smmdesk.core.sending.record with the row's hook). ``owner``: the sending process's mark
    (smmdesk.core.store.liveness). Raises RowTaken (recording nothing) when the row is no
    longer ready or failed."""
    return sending.record(
        db,
        sending.Prepared(panel, service, draft),
        owner=owner,
        source="import",
        reference=reference,
        sale_price=sale_price,
        hook=RowHook(import_id, number),
    )


def note_rows(db: Database, import_id: int, numbers: Iterable[int], note: str) -> None:
    """Say why ready rows were not sent this time (shown until they are sent)."""
    stamp = time_text(now())
    with transaction(db):
        db.conn.executemany(
            "UPDATE import_rows SET error = ?, updated_at = ? WHERE import_id = ? "
            f"AND row_number = ? AND state IN {_SENDABLE_SQL}",
            [(note, stamp, import_id, number) for number in numbers],
        )


def resolve_row(
    db: Database,
    import_id: int,
    number: int,
    *,
    remote_id: str | None = None,
    resend: bool = False,
) -> RowRecord:
    """The user checked the panel for a row whose fate is unknown (or that was left sending).

    ``remote_id``: the panel has it as that order. ``resend``: it is not there, send it on
    the next run. Neither: it is not there, and it is not to be sent."""
    row = load_row(db, import_id, number)
    if row.state not in UNSETTLED or row.order_id is None:
        # Translators: {state} is a row's state in words ("placed", "not sent yet").
        message = _("Row {number} is {state}: nothing to resolve.")
        problem = FieldProblem("", message.format(number=number, state=_(row.state.words)))
        raise ValidationError([problem])
    with transaction(db):
        order = store.get_order(db, row.order_id)
        if order.state == store.OrderState.SENDING:
            store.mark_unknown(db, order.id, _("Left sending; checked by the user."))
        if remote_id is not None and remote_id.strip():
            store.resolve_unknown(db, order.id, remote_id.strip())
            _set_row(db, import_id, number, RowState.PLACED, None)
        else:
            store.resolve_unknown(db, order.id, None)
            state = RowState.READY if resend else RowState.NOT_PLACED
            again, gone = _("To send again (chosen by the user)."), _("Not on the panel.")
            note = again if resend else gone
            _set_row(db, import_id, number, state, note)
    return load_row(db, import_id, number)


def load_rows(db: Database, import_id: int, *, after: int = 0, limit: int = -1) -> list[RowRecord]:
    """The import's rows numbered above ``after`` (at most ``limit``; -1: all), in file
    order, with their effective state."""
    rows = db.execute(
        f"{_ROW_SELECT} WHERE r.import_id = ? AND r.row_number > ? ORDER BY r.row_number LIMIT ?",
        (import_id, after, limit),
    )
    return [_row(r) for r in rows.fetchall()]


async def read_rows(db: Database, import_id: int, page: int = PAGE) -> list[RowRecord]:
    """Every row of an import, read a page at a time with a yield to the event loop in
    between (a 10,000-row import must not freeze a window)."""
    rows: list[RowRecord] = []
    while True:
        chunk = load_rows(db, import_id, after=rows[-1].number if rows else 0, limit=page)
        rows += chunk
        if len(chunk) < page:
            return rows
        await asyncio.sleep(0)


def load_row(db: Database, import_id: int, number: int) -> RowRecord:
    found = db.execute(
        f"{_ROW_SELECT} WHERE r.import_id = ? AND r.row_number = ?", (import_id, number)
    ).fetchone()
    if found is None:
        raise NotFoundLocally(
            _("This import has no row {number}. Check the row number.").format(number=number)
        )
    return _row(found)


def sendable_numbers(db: Database, import_id: int) -> set[int]:
    """Numbers of the rows a run may send (ready, or failed: nothing was placed)."""
    rows = db.execute(
        f"SELECT row_number FROM import_rows WHERE import_id = ? AND state IN {_SENDABLE_SQL}",
        (import_id,),
    )
    return {number for (number,) in rows}


def sent_duplicates(
    db: Database, fingerprints: Iterable[str], *, other_than: str
) -> dict[str, Duplicate]:
    """For each fingerprint, a row of another import (file hash != ``other_than``) with the
    same fingerprint whose order was sent (placed, or maybe placed)."""
    found: dict[str, Duplicate] = {}
    wanted = list(dict.fromkeys(fingerprints))
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        rows = db.execute(  # CROSS JOIN: from the fingerprints' index, never all orders
            "SELECT r.fingerprint, i.file_name, r.row_number, o.created_at, o.remote_id "
            "FROM import_rows r CROSS JOIN imports i ON i.id = r.import_id "
            "CROSS JOIN orders o ON o.id = r.order_id "
            f"WHERE r.fingerprint IN ({marks}) AND i.file_hash != ? "
            f"AND o.state IN {_SENT_SQL} "
            "ORDER BY o.created_at DESC",
            (*chunk, other_than),
        )
        for fingerprint, name, number, at, remote_id in rows:
            found.setdefault(fingerprint, Duplicate(name, number, parse_time(at), remote_id))
    return found


# --- helpers -------------------------------------------------------------------------------

_IMPORT_SELECT = (
    "SELECT id, file_hash, file_name, format, default_panel, row_count, created_at, "
    "updated_at FROM imports"
)
_ROW_SELECT = (
    'SELECT r.import_id, r.row_number, r.line, r."values", r.problem, r.panel, r.service, '
    "r.fingerprint, r.state, r.order_id, o.state, o.remote_id, o.link, r.error, o.error, "
    "r.updated_at FROM import_rows r LEFT JOIN orders o ON o.id = r.order_id"
)


def _import(db: Database, row: tuple[Any, ...]) -> ImportRecord:
    counts: dict[str, int] = {}
    for stored, order_state, count in db.execute(
        "SELECT r.state, o.state, count(*) FROM import_rows r LEFT JOIN orders o "
        "ON o.id = r.order_id WHERE r.import_id = ? GROUP BY r.state, o.state",
        (row[0],),
    ):
        state = _effective(RowState(stored), order_state)
        counts[state] = counts.get(state, 0) + count
    import_id, file_hash, file_name, file_format, default_panel, row_count = row[:6]
    return ImportRecord(
        import_id,
        file_hash,
        file_name,
        file_format,
        default_panel,
        row_count,
        parse_time(row[6]),
        parse_time(row[7]),
        counts,
    )


def _row(r: tuple[Any, ...]) -> RowRecord:
    stored = RowState(r[8])
    state = _effective(stored, r[10])
    values = json.loads(r[3])
    error = r[13] if r[13] is not None or state is RowState.PLACED else r[14]
    return RowRecord(
        import_id=r[0],
        number=r[1],
        line=r[2],
        values=values,
        problem=r[4],
        panel=r[5],
        service=r[6],
        fingerprint=r[7],
        state=state,
        stored_state=stored,
        order_id=r[9],
        remote_id=r[11],
        link=r[12] or values.get("link") or values.get("username"),
        error=error,
        updated_at=parse_time(r[15]),
    )


def _effective(stored: RowState, order_state: str | None) -> RowState:
    """A row left sending/unknown follows its order once the user resolved it elsewhere."""
    if stored not in UNSETTLED or order_state is None:
        return stored
    if order_state in (store.OrderState.PLACED, store.OrderState.TRACKED):
        return RowState.PLACED
    if order_state == store.OrderState.FAILED:
        return RowState.NOT_PLACED
    return RowState(order_state)  # sending or unknown


def _set_row(db: Database, import_id: int, number: int, state: RowState, error: str | None) -> None:
    db.execute(
        "UPDATE import_rows SET state = ?, error = ?, updated_at = ? "
        "WHERE import_id = ? AND row_number = ?",
        (state, error, time_text(now()), import_id, number),
    )


def _plan_values(record: ImportRecord, plan: RowPlan, stamp: str) -> tuple[Any, ...]:
    state = RowState.READY if plan.error is None else RowState.INVALID
    return (
        record.id,
        plan.number,
        identity(record.file_hash, plan.number),
        plan.line,
        json.dumps(dict(plan.values), ensure_ascii=False),
        plan.problem,
        plan.panel,
        plan.service,
        plan.fingerprint,
        state,
        plan.error,
        stamp,
    )
