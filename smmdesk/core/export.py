"""Orders to a CSV file that Excel opens correctly, streamed from the database.

UTF-8 with a byte-order mark (Excel otherwise guesses the local code page and garbles
non-ASCII links), CRLF line ends, every field quoted when needed. A cell that would start a
formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a leading apostrophe so a
spreadsheet shows it as text instead of running it ("CSV injection"): links and comments
come from customers.

``export_orders`` reads the rows straight from SQLite in chunks, each cell already as the
file shows it (SQL does the apostrophe and the time format), and never holds more than one
chunk: a million orders take a few seconds and little memory. Two last columns say the
status and the cost in the words the window and the CLI use (smmdesk.core.vocabulary).
``progress`` hears how many rows are written so far; setting ``cancel`` stops the export and
leaves no file behind. ``export_snapshot`` does the same from a connection of its own (for a
worker thread): the one export the GUI (``Desk.export_orders``, with its progress bar) and
the CLI both use.
"""

from __future__ import annotations

import csv
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from smmdesk.core.errors import LocalFileError, SmmdeskError
from smmdesk.core.i18n import _
from smmdesk.core.store.history import OrderQuery, count_orders, order_rows
from smmdesk.core.store.orders import LOST_AFTER
from smmdesk.core.store.sql import parse_money, sql_in
from smmdesk.core.vocabulary import ESTIMATED, NEVER_PLACED, cost_text, status_sql

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 5_000  # rows read, written and reported at a time

# (CSV header, stored column, how it is written: "text" | "number" | "time")
COLUMNS = (
    ("id", "o.id", "number"),
    ("panel", "p.name", "text"),
    ("remote_id", "o.remote_id", "text"),
    ("service", "o.service_id", "text"),
    ("service_name", "o.service_name", "text"),
    ("type", "o.service_type", "text"),
    ("link", "o.link", "text"),
    ("quantity", "o.quantity", "number"),
    ("expected_cost", "o.expected_cost", "number"),  # money: stored as plain decimal text
    ("charge", "o.charge", "number"),
    ("currency", "o.currency", "text"),
    ("status", "o.status", "text"),
    ("start_count", "o.start_count", "number"),
    ("remains", "o.remains", "number"),
    ("state", "o.state", "text"),
    ("reference", "o.reference", "text"),
    ("sale_price", "o.sale_price", "number"),  # what the customer pays: plain decimal text
    ("created_at", "o.created_at", "time"),
    ("updated_at", "o.updated_at", "time"),
)


# The words columns: the status and the cost as the window and the CLI say them (English),
# written by SQL from the vocabulary's own wording (``status_sql``) and from the stored
# amounts' plain text (``_cost_sql``); an amount stored in another form ("1E+2", from an old
# version) comes out NULL and is worded in Python (``_odd_costs``).
WORDS_COLUMNS = ("status_text", "cost_text")


class ExportCancelled(SmmdeskError):
    """The user stopped the export; no file was written."""


def cell(value: object) -> str:
    """A value as CSV text; numbers stay numbers, text that could run as a formula doesn't."""
    if value is None:
        return ""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _sql(column: str, kind: str) -> str:
    """``column`` as ``cell`` would write it, in SQL."""
    if kind == "text":
        starts = ", ".join(_quote(start) for start in _FORMULA_STARTS)
        shown = f"CASE WHEN substr({column}, 1, 1) IN ({starts}) THEN '''' || {column}"
        return f"{shown} ELSE {column} END"
    if kind == "time":  # stored "2024-05-03T12:34:56.123456+00:00" -> "2024-05-03T12:34:56+00:00"
        return f"substr({column}, 1, 19) || substr({column}, 27)"
    return column


def _quote(text: str) -> str:
    return {"\t": "char(9)", "\r": "char(13)"}.get(text, f"'{text}'")


def _plain_sql(amount: str) -> str:
    """``money.plain`` of a stored amount's text, in SQL: "0.03500" -> "0.035", "5" ->
    "5.00"; NULL for a text not in the plain form ``money_text`` writes."""
    trimmed = f"rtrim({amount}, '0')"
    return (
        f"CASE WHEN {amount} GLOB '*[^0-9.-]*' OR {amount} = '' THEN NULL "
        f"WHEN instr({amount}, '.') = 0 THEN {amount} || '.00' "
        f"ELSE CASE length({trimmed}) - instr({amount}, '.') WHEN 0 THEN {trimmed} || '00' "
        f"WHEN 1 THEN {trimmed} || '0' ELSE {trimmed} END END"
    )


def _cost_sql() -> str:
    """``cost_text`` of an order in SQL (formula-safe like every text cell)."""
    currency = "CASE WHEN coalesce(o.currency, '') = '' THEN '' ELSE ' ' || o.currency END"
    never = sql_in(*NEVER_PLACED)
    negative = "CASE WHEN substr(o.charge, 1, 1) = '-' THEN '''' ELSE '' END"  # a formula
    return (  # an estimate starts with "~", which starts no formula: no guard there
        f"CASE WHEN o.charge IS NOT NULL THEN {negative} || {_plain_sql('o.charge')} || "
        f"{currency} WHEN o.expected_cost IS NULL OR o.state IN {never} THEN '' "
        f"ELSE '{ESTIMATED}' || {_plain_sql('o.expected_cost')} || {currency} END"
    )


_STATUS_SQL = status_sql(
    "o.state",
    "o.status",
    "o.raw_status",
    "o.not_found_count",
    lost_after=LOST_AFTER,
    shown=lambda column: _sql(column, "text"),
)
BY_ID = OrderQuery(order_by="id")
EXPORT_SELECT = ", ".join(
    [*(_sql(column, kind) for __, column, kind in COLUMNS), _STATUS_SQL,
     _cost_sql()]
)  # fmt: skip
_ODD_SOURCES = "o.state, o.charge, o.expected_cost, o.currency"


def export_orders(
    db: Database,
    path: Path | str,
    query: OrderQuery = BY_ID,
    *,
    ids: Iterable[int] | None = None,
    progress: Callable[[int], object] | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Write every order matching ``query`` (only those among ``ids`` when given), in its
    sort order, to ``path`` (replaced atomically); return how many were written.

    Raises ExportCancelled when ``cancel`` is set before the end, LocalFileError when the file
    cannot be written."""

    def write(writer: Any) -> int:
        writer.writerow([*(name for name, *__ in COLUMNS), *WORDS_COLUMNS])
        count, rows = 0, order_rows(db, EXPORT_SELECT, query, ids)
        while chunk := _take(rows, CHUNK):
            if cancel is not None and cancel.is_set():
                raise ExportCancelled(_("The export was stopped; no file was written."))
            if any(row[-1] is None for row in chunk):
                chunk = _odd_costs(db, chunk)
            writer.writerows(chunk)
            count += len(chunk)
            if progress is not None:
                progress(count)
        return count

    return _write_atomically(path, write)


def export_snapshot(
    file_name: str,
    path: Path | str,
    query: OrderQuery = BY_ID,
    *,
    ids: Iterable[int] | None = None,
    total: Callable[[int], object] | None = None,
    progress: Callable[[int], object] | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """``export_orders`` on a connection of its own to the database file ``file_name``,
    inside one read transaction (orders added meanwhile don't shift it): safe on a worker
    thread while the Desk writes (WAL). ``total`` first hears how many orders match."""
    ids = None if ids is None else list(dict.fromkeys(ids))
    db = Database(file_name)
    try:
        db.execute("BEGIN")  # one snapshot for the count and every row
        try:
            if total is not None:
                total(count_orders(db, query) if ids is None else len(ids))
            return export_orders(db, path, query, ids=ids, progress=progress, cancel=cancel)
        finally:
            db.execute("ROLLBACK")
    finally:
        db.close()


def write_csv(path: Path | str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a header and ``rows`` (values, each written by ``cell``) to ``path`` (replaced
    atomically); return the row count. For reports and other tables than the orders."""

    def write(writer: Any) -> int:
        writer.writerow(list(header))
        count = 0
        for row in rows:
            writer.writerow([cell(value) for value in row])
            count += 1
        return count

    return _write_atomically(path, write)


def _write_atomically(path: Path | str, write: Callable[[Any], int]) -> int:
    """Run ``write`` on a CSV writer of a temporary file, then put the file in place; no
    file is left behind when anything fails (or the export is stopped)."""
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            count = write(csv.writer(handle, lineterminator="\r\n"))
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        # Translators: {file} is a file's name; {reason} the system's words ("Permission denied").
        message = _(
            "smmdesk could not write {file}: {reason}. Choose a folder you can write to, and "
            "close the file if a spreadsheet has it open."
        )
        raise LocalFileError(message.format(file=path.name, reason=exc.strerror or exc)) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


def _odd_costs(db: Database, chunk: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """The rows of ``chunk`` whose cost SQL could not word (an amount stored in another
    form), worded with Decimal by ``cost_text``."""
    fixed = []
    for row in chunk:
        if row[-1] is None:
            state, charge, expected, currency = db.execute(
                f"SELECT {_ODD_SOURCES} FROM orders o WHERE o.id = ?", [row[0]]
            ).fetchone()
            words = cost_text(state, parse_money(charge), parse_money(expected), currency)
            row = (*row[:-1], cell(words))
        fixed.append(row)
    return fixed


def _take(rows: Iterator[tuple[object, ...]], size: int) -> list[tuple[object, ...]]:
    return list(islice(rows, size))
