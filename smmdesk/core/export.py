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
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from smmdesk.core.errors import LocalFileError, SmmdeskError
from smmdesk.core.i18n import _
from smmdesk.core.store.history import OrderQuery, count_orders, order_rows
from smmdesk.core.store.orders import LOST_AFTER
from smmdesk.core.store.sql import parse_money
from smmdesk.core.vocabulary import cost_text, status_text

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


# The words columns, made in Python from these stored columns (after COLUMNS in the SELECT).
WORDS_COLUMNS = ("status_text", "cost_text")
_WORDS_SOURCES = (
    "o.state", "o.status", "o.raw_status", "o.not_found_count", "o.charge", "o.expected_cost",
    "o.currency",
)  # fmt: skip


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


BY_ID = OrderQuery(order_by="id")
EXPORT_SELECT = ", ".join([*(_sql(column, kind) for __, column, kind in COLUMNS), *_WORDS_SOURCES])
_DATA = len(COLUMNS)


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
            writer.writerows([(*row[:_DATA], *_words(row[_DATA:])) for row in chunk])
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


def _words(stored: Sequence[Any]) -> tuple[str, str]:
    """The status and cost of one order in words, from its stored state, status, raw status,
    not-found count, charge, expected cost and currency."""
    state, status, raw_status, not_found, charge, expected, currency = stored
    lost = (not_found or 0) >= LOST_AFTER
    return (
        cell(status_text(state, status, raw_status, lost, translated=False)),
        _cost(state, charge, expected, currency),
    )


@lru_cache(maxsize=4096)  # few distinct amounts repeat over many orders
def _cost(state: str, charge: str | None, expected: str | None, currency: str | None) -> str:
    return cell(cost_text(state, parse_money(charge), parse_money(expected), currency))


def _take(rows: Iterator[tuple[object, ...]], size: int) -> list[tuple[object, ...]]:
    return list(islice(rows, size))
