"""The building blocks every repository module uses: write transactions and stored values.

Write transactions start with ``BEGIN IMMEDIATE`` so a read-then-write never fails half-way
because another smmdesk process (GUI and CLI share the file) wrote in between; a write lock
held by another process is waited for (the connection's busy timeout). What SQLite refuses
(a full disk, a read-only folder, a lock held past the wait, a damaged file) leaves the
transaction as ``StorageError``, a known error with what to do, never a bug report.

Kept as text: money as plain decimal strings (read back as Decimal, never float), times as
ISO-8601 UTC with microseconds (fixed width, so text order is time order).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import overload

from sqlite_utils import Database

from smmdesk.core.errors import StorageError
from smmdesk.core.i18n import N_, _

BEGIN_TRIES = 3  # busy waits (each the connection's busy timeout) before "locked"


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One write transaction: ``BEGIN IMMEDIATE`` ... COMMIT, rolled back on any error.

    Inside an open transaction it becomes a savepoint (``db.atomic()``), so repository
    functions can be combined into one larger transaction by their caller.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    _begin(db)
    try:
        yield db
    except BaseException as exc:
        _quietly_roll_back(db)
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(
            exc, sqlite3.IntegrityError | sqlite3.ProgrammingError
        ):
            known = storage_error(exc)
            if known.kind != "other":  # the disk, a lock, a damaged file: not a bug
                raise known from exc
        raise
    try:
        db.conn.execute("COMMIT")
    except sqlite3.Error as exc:
        _quietly_roll_back(db)
        raise storage_error(exc) from exc


def _begin(db: Database) -> None:
    """``BEGIN IMMEDIATE``, waited out: each try waits the connection's busy timeout for a
    write lock another process holds, and a lock still held then is tried again
    ``BEGIN_TRIES`` times in all (write transactions are short: milliseconds), so two
    processes on one data folder never fail each other."""
    for attempt in range(1, BEGIN_TRIES + 1):
        try:
            db.conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.Error as exc:
            known = storage_error(exc)
            if known.kind != "locked" or attempt == BEGIN_TRIES:
                raise known from exc


def _quietly_roll_back(db: Database) -> None:
    # the connection may be gone or the disk refuse: then nothing was written anyway
    with contextlib.suppress(sqlite3.Error):
        db.rollback()


_STORAGE_KINDS = (
    ("full", ("database or disk is full", "disk i/o error", "no space")),
    ("read_only", ("readonly", "read-only", "unable to open")),
    ("locked", ("database is locked", "database table is locked", "busy")),
    ("damaged", ("malformed", "not a database", "corrupt")),
)
_STORAGE_WORDS = {
    "full": N_(
        "The disk is full, so smmdesk could not save its data. Free some space on the "
        "disk of the data folder, then try again."
    ),
    "read_only": N_(
        "smmdesk may not write to its data folder (it is read-only). Check the "
        "folder's permissions, or choose another data folder with --data-dir."
    ),
    "locked": N_(
        "Another program kept smmdesk's database locked for too long. Close other "
        "programs using the data folder (another smmdesk, a backup tool), then try again."
    ),
    "damaged": N_(
        "smmdesk's database file is damaged. Restore it from a backup, or move it "
        "away and start with an empty data folder."
    ),
}


def storage_error(exc: sqlite3.Error) -> StorageError:
    """The known error an SQLite failure means, with what to do."""
    text = str(exc).lower()
    kind = next((k for k, words in _STORAGE_KINDS if any(w in text for w in words)), "other")
    known = _STORAGE_WORDS.get(kind)
    if known is not None:
        message = _(known)
    else:
        # Translators: {problem} is the sentence that smmdesk could not write to its
        # database; {reason} is SQLite's own message, in English.
        message = _("{problem} (SQLite said: {reason})").format(
            problem=_(StorageError.default_message), reason=exc
        )
    return StorageError(message, kind=kind)


# --- values ------------------------------------------------------------------------------


def now() -> datetime:
    return datetime.now(UTC)


@overload
def time_text(moment: datetime) -> str: ...
@overload
def time_text(moment: None) -> None: ...
def time_text(moment: datetime | None) -> str | None:
    """ISO-8601 UTC text with microseconds; a naive datetime is taken as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def day_start_text(day: date) -> str:
    """The first instant (UTC) of ``day`` as stored text."""
    return time_text(datetime.combine(day, time.min, tzinfo=UTC))


@overload
def parse_time(text: str) -> datetime: ...
@overload
def parse_time(text: None) -> None: ...
def parse_time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


@overload
def money_text(amount: Decimal) -> str: ...
@overload
def money_text(amount: None) -> None: ...
def money_text(amount: Decimal | None) -> str | None:
    """A Decimal as plain text ("0.00123", never "1.23E-3"); refuses NaN and infinity."""
    if amount is None:
        return None
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError(f"money must be a finite Decimal, not {amount!r}")
    return format(amount, "f")


def parse_money(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def sql_in(*values: str) -> str:
    """Constant words (enum values, never user text) as an SQL list: ``('ready', 'failed')``.

    For statements that name states (OrderState, RowState) where a parameter won't do."""
    if any("'" in value for value in values):
        raise ValueError("sql_in takes constants without quotes")
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"
