"""The building blocks every repository module uses: write transactions and stored values.

Write transactions start with ``BEGIN IMMEDIATE`` so a read-then-write never fails half-way
because another smmdesk process (GUI and CLI share the file) wrote in between.

Kept as text: money as plain decimal strings (read back as Decimal, never float), times as
ISO-8601 UTC with microseconds (fixed width, so text order is time order).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import overload

from sqlite_utils import Database


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
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    try:
        db.conn.execute("COMMIT")
    except BaseException:
        db.rollback()
        raise


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
