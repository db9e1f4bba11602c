"""Orders recovered from a damaged database, where SQLite can still read them.

Python's sqlite3 has no ``.recover``; what it can do is read a damaged file table by table
and row by row: a page that fails to read makes smmdesk step over it (probing the next row
ids one by one) instead of giving up. Whatever reads is merged into the restored order book:

- panels, orders, order events and refills the backup lacks (their row id is new), and
- orders and refills whose copy in the damaged file is newer (``updated_at``).

A row that no longer fits (its panel or order is missing) is counted as unreadable. Rows on
the part of the file that is gone (a truncated file loses its end, where the newest orders
usually are) cannot come back: the result says how many did. When the pages of the file's
table list are among those gone, they are taken from the backup (``readable_copy``): a
table keeps its pages' numbers from one backup to the next (smmdesk never vacuums), so the
rows that survive can still be found.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from smmdesk.core.i18n import _, ngettext

# merged in this order, so an order's panel is there before the order
TABLES = ("panels", "orders", "order_events", "refills")
BATCH, PROBE = 500, 2000


@dataclass(frozen=True)
class Salvage:
    added: int = 0  # orders the backup did not have
    updated: int = 0  # orders whose newer state was recovered
    other_rows: int = 0  # panels, events, refills recovered
    skipped: int = 0  # rows read but unusable (their panel or order is missing)
    damaged_tables: tuple[str, ...] = ()  # tables with pages that could not be read

    def summary(self) -> str:
        """What was recovered, in a sentence for the reseller."""
        # Translators: how many orders came back, inside the sentence below.
        added = ngettext(
            "{count} order(s) placed after the backup",
            "{count} order(s) placed after the backup",
            self.added,
        ).format(count=self.added)
        # Translators: how many orders' states came back, inside the sentence below.
        updated = ngettext(
            "{count} newer order state(s)", "{count} newer order state(s)", self.updated
        ).format(count=self.updated)
        if self.damaged_tables:
            # Translators: {added} is "3 order(s) placed after the backup", {updated} is
            # "2 newer order state(s)"; {tables} lists table names (orders, refills).
            text = _(
                "{added} and {updated} were recovered from the damaged file; parts of {tables} "
                "could not be read."
            )
        else:
            # Translators: {added} is "3 order(s) placed after the backup", {updated} is
            # "2 newer order state(s)".
            text = _("{added} and {updated} were recovered from the damaged file.")
        return text.format(added=added, updated=updated, tables=", ".join(self.damaged_tables))


def recover_into(db_path: Path, damaged_path: Path) -> Salvage:
    """Merge what ``damaged_path`` still yields into the database at ``db_path`` (just
    restored from a backup, not yet written to)."""
    readable = readable_copy(Path(damaged_path), Path(db_path))
    try:
        return _recover(db_path, readable)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            readable.with_name(readable.name + suffix).unlink(missing_ok=True)


def readable_copy(damaged_path: Path, backup_path: Path) -> Path:
    """A copy of the damaged file (and its WAL) with the pages of its table list that are
    past its end filled in from the backup's."""
    copy = damaged_path.with_name(damaged_path.name + ".readable")
    shutil.copyfile(damaged_path, copy)
    wal = damaged_path.with_name(damaged_path.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
    try:
        conn = sqlite3.connect(str(backup_path))
        try:
            page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
            pages = [r[0] for r in conn.execute(_SCHEMA_PAGES)]
        finally:
            conn.close()
    except sqlite3.Error:  # no dbstat in this SQLite: read the copy as it is
        return copy
    size = copy.stat().st_size
    with backup_path.open("rb") as source, copy.open("r+b") as out:
        for page in pages:
            offset = (page - 1) * page_size
            if page == 1 or offset + page_size <= size:
                continue  # still there: the damaged file's own is newer
            source.seek(offset)
            out.seek(offset)
            out.write(source.read(page_size))
    return copy


_SCHEMA_PAGES = "SELECT pageno FROM dbstat WHERE name IN ('sqlite_schema', 'sqlite_master')"


def _recover(db_path: Path, damaged_path: Path) -> Salvage:
    try:
        source = sqlite3.connect(str(damaged_path), timeout=15)
        # lets SQLite read a file shorter than its header says (a truncated one); nothing
        # is ever written through this connection
        source.execute("PRAGMA writable_schema = ON")
    except sqlite3.Error:
        return Salvage(damaged_tables=TABLES)
    target = sqlite3.connect(str(db_path), timeout=15)
    counts = {"added": 0, "updated": 0, "other_rows": 0, "skipped": 0}
    broken: list[str] = []
    try:
        target.execute("PRAGMA foreign_keys = ON")
        target.execute("BEGIN IMMEDIATE")
        for table in TABLES:
            columns = _shared_columns(source, target, table)
            if not columns:
                broken.append(table)
                continue
            if not _merge(source, target, table, columns, counts):
                broken.append(table)
        target.execute("COMMIT")
    except BaseException:
        if target.in_transaction:
            target.execute("ROLLBACK")
        raise
    finally:
        target.close()
        source.close()
    return Salvage(damaged_tables=tuple(broken), **counts)


def _shared_columns(source: sqlite3.Connection, target: sqlite3.Connection, table: str) -> list:
    try:
        theirs = [row[1] for row in source.execute(f'PRAGMA table_info("{table}")')]
    except sqlite3.DatabaseError:
        return []
    ours = {row[1] for row in target.execute(f'PRAGMA table_info("{table}")')}
    return [c for c in theirs if c in ours]


def _merge(
    source: sqlite3.Connection,
    target: sqlite3.Connection,
    table: str,
    columns: list[str],
    counts: dict[str, int],
) -> bool:
    """Merge one table; False when some of it could not be read."""
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _column in columns)
    newer = "updated_at" in columns
    at = columns.index("updated_at") if newer else -1
    troubles: list[str] = []
    for row in readable_rows(source, table, names, troubles):
        row_id, values = row[0], row[1:]
        mine = target.execute(
            f'SELECT {"updated_at" if newer else "rowid"} FROM "{table}" WHERE rowid = ?',
            (row_id,),
        ).fetchone()
        try:
            if mine is None:
                target.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', values)
                counts["added" if table == "orders" else "other_rows"] += 1
            elif newer and values[at] and mine[0] and values[at] > mine[0]:
                sets = ", ".join(f'"{c}" = ?' for c in columns)
                target.execute(f'UPDATE "{table}" SET {sets} WHERE rowid = ?', (*values, row_id))
                counts["updated" if table == "orders" else "other_rows"] += 1
        except sqlite3.IntegrityError:
            counts["skipped"] += 1
    return not troubles


def readable_rows(
    conn: sqlite3.Connection, table: str, names: str, troubles: list[str]
) -> Iterator[tuple]:
    """(rowid, *values) of every row that still reads; each read that failed is noted in
    ``troubles``."""
    last = -(2**63)
    bulk = f'SELECT rowid, {names} FROM "{table}" WHERE rowid > ? ORDER BY rowid LIMIT {BATCH}'
    one = f'SELECT rowid, {names} FROM "{table}" WHERE rowid = ?'
    while True:
        try:
            rows = conn.execute(bulk, (last,)).fetchall()
            ordered = [r for r in rows if isinstance(r[0], int) and r[0] > last]
            if len(ordered) < len(rows) or ordered != sorted(ordered, key=lambda r: r[0]):
                raise sqlite3.DatabaseError("rows out of order: a damaged page")
        except sqlite3.DatabaseError as exc:
            troubles.append(str(exc))
            ordered = _probe(conn, one, last)
        if not ordered:
            return
        yield from ordered
        last = ordered[-1][0]  # strictly larger each time: the loop always ends


def _probe(conn: sqlite3.Connection, one: str, last: int) -> list[tuple]:
    """Rows after ``last`` read one id at a time (stepping over unreadable pages)."""
    start = max(last, 0) + 1
    found = []
    for row_id in range(start, start + PROBE):
        try:
            row = conn.execute(one, (row_id,)).fetchone()
        except sqlite3.DatabaseError:
            continue
        if row is not None and row[0] == row_id:
            found.append(row)
            if len(found) >= BATCH:
                break
    return found
