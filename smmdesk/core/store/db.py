"""Opening the smmdesk SQLite file.

``open_db`` turns WAL on (outside any transaction), foreign keys on, a busy timeout so two
smmdesk processes (GUI and CLI) wait for each other instead of failing, then runs the
migrations. Synchronous stays FULL: the order ledger must survive a power cut.

Temporary storage is in memory: an order write that the reports' triggers follow
(store.report_sums) keeps a statement journal, which on disk costs a temp file's writes
per order (twice the trigger's own work); every big read goes through an index, so
nothing large is sorted there.

A Database belongs to the thread that opened it: background work opens its own.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from smmdesk.core.errors import StorageError
from smmdesk.core.i18n import _
from smmdesk.core.store.migrations import migrate

BUSY_TIMEOUT_MS = 15_000


def open_db(path: str | Path) -> Database:
    """Open (creating if needed) and migrate the smmdesk database at ``path``."""
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise StorageError(
            # Translators: {path} is the database file; {reason} is SQLite's own message.
            _(
                "smmdesk cannot open its database {path} ({reason}). Check that the data folder "
                "exists and that you may write to it."
            ).format(path=path, reason=exc),
            kind="read_only",
        ) from None
    db = Database(conn)
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.enable_wal()
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA temp_store = MEMORY")
        migrate(db)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise StorageError(
            # Translators: {path} is the database file; {reason} is SQLite's own message.
            _(
                "smmdesk cannot use the database {path} ({reason}). If the file is damaged, "
                "move it away and start again with an empty data folder."
            ).format(path=path, reason=exc),
            kind="damaged",
        ) from None
    except BaseException:
        db.close()
        raise
    return db
