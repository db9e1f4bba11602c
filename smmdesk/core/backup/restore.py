"""Putting a backup back, keeping what was there first, and never leaving half a database.

    restored = restore(folder, settings, "latest")      # or a path to a backup file

1. The backup's database is unpacked next to the order book and checked (CRC,
   ``PRAGMA quick_check``, a schema this smmdesk knows) before anything is touched.
2. A healthy current order book is first backed up (``smmdesk-before-restore-*.zip`` in the
   backups folder), then the backup is copied *into* it with SQLite's backup API: one write
   transaction, so a kill leaves the old order book (WAL rolls the half-copy back), and a
   running GUI or CLI keeps a working connection and sees the restored data.
3. A damaged one is moved to ``damaged/<time>/`` of the data folder (with its WAL), the
   checked copy takes its place with one rename, and the orders placed since the backup
   are recovered from the damaged file where it still reads (``salvage``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from smmdesk.core.backup.archive import BackupInfo, extract_database, read_info
from smmdesk.core.backup.files import disk_error, fsync_folder, is_disk_error
from smmdesk.core.backup.health import integrity_problem
from smmdesk.core.backup.rotation import backup_now, backups_dir, latest_backup
from smmdesk.core.backup.salvage import Salvage, recover_into
from smmdesk.core.errors import BackupUnusable, NotFoundLocally
from smmdesk.core.i18n import _
from smmdesk.core.paths import database_path
from smmdesk.core.settings import Settings
from smmdesk.core.store.migrations import MIGRATIONS

DAMAGED_DIRNAME = "damaged"
RESTORING_NAME = ".smmdesk.sqlite3.restoring"


@dataclass(frozen=True)
class Restored:
    backup: BackupInfo
    orders: int  # orders in the order book now
    kept_aside: Path | None  # the before-restore backup, or the damaged file's folder
    salvage: Salvage | None = None  # what came back from a damaged file


def resolve(folder: Path, settings: Settings, which: str | Path) -> BackupInfo:
    """``"latest"`` (the newest automatic backup) or a backup file's path."""
    if str(which) != "latest":
        return read_info(Path(which))
    where = backups_dir(folder, settings)
    newest = latest_backup(where)
    if newest is None:
        raise NotFoundLocally(
            # Translators: {folder} is the backups folder; 'latest' is a word to type: keep it.
            _("There is no backup in {folder} yet. Name a backup file instead of 'latest'.").format(
                folder=where
            )
        )
    return newest


def restore(folder: Path, settings: Settings, which: str | Path) -> Restored:
    """Put the backup ``which`` in place of the data folder's order book."""
    folder = Path(folder)
    info = resolve(folder, settings, which)
    db = database_path(folder)
    checked = folder / RESTORING_NAME
    checked.unlink(missing_ok=True)
    try:
        # unpacking the backup and keeping the current order book aside run side by side
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="smmdesk-aside") as pool:
            keeping = pool.submit(_keep_current, folder, settings, db)
            try:
                facts = extract_database(info.path, checked)
                _refuse_newer(facts["schema"], info)
            except BaseException:
                _drop(keeping)  # nothing will change: that copy is not needed
                raise
            kept = keeping.result()
        if kept is not None:
            copy_into(checked, db)
            return Restored(info, _count(db), kept.path)
        aside = set_aside(db) if db.exists() else None
        os.replace(checked, db)
        fsync_folder(folder)
        salvage = recover_into(db, aside / db.name) if aside is not None else None
        return Restored(info, _count(db), aside, salvage)
    except BaseException as exc:
        if is_disk_error(exc):
            raise disk_error(exc, folder) from None
        raise
    finally:
        checked.unlink(missing_ok=True)


def _keep_current(folder: Path, settings: Settings, db: Path) -> BackupInfo | None:
    """A backup of the current order book when it is healthy; None when it is damaged or
    missing (then it is set aside as it is)."""
    if not db.exists() or integrity_problem(db) is not None:
        return None
    return backup_now(folder, settings, kind="before-restore")


def _drop(keeping: Future[BackupInfo | None]) -> None:
    try:
        kept = keeping.result()
    except Exception:
        return
    if kept is not None:
        kept.path.unlink(missing_ok=True)


def copy_into(source_file: Path, db: Path) -> None:
    """Replace the content of the database ``db`` with ``source_file``'s, in one
    transaction through SQLite's backup API (other connections stay valid)."""
    source = sqlite3.connect(str(source_file))
    target = sqlite3.connect(str(db), timeout=15)
    try:
        target.execute("PRAGMA synchronous = NORMAL")  # WAL: still atomic; the checkpoint syncs
        source.backup(target)  # all pages in one step: one write transaction
        target.execute("PRAGMA journal_mode = WAL")
        target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        target.close()
        source.close()


def set_aside(db: Path) -> Path:
    """Move a damaged database (and its WAL) to ``damaged/<time>/``; that folder.

    The main file is linked (or copied) first and replaced later by one rename, so the
    data folder is never without an order book, even when the program is killed here."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    aside = db.parent / DAMAGED_DIRNAME / stamp
    aside.mkdir(parents=True, exist_ok=True)
    try:
        os.link(db, aside / db.name)
    except OSError:
        shutil.copy2(db, aside / db.name)
    wal = db.with_name(db.name + "-wal")
    if wal.exists():
        os.replace(wal, aside / wal.name)
    db.with_name(db.name + "-shm").unlink(missing_ok=True)
    fsync_folder(aside)
    return aside


def _refuse_newer(schema: list[str], info: BackupInfo) -> None:
    unknown = set(schema) - {m.__name__ for m in MIGRATIONS}
    if unknown:
        raise BackupUnusable(
            # Translators: {name} is a backup file's name; {changes} lists database changes by
            # their program names ("m012_refills").
            _(
                "{name} was made by a newer smmdesk (database changes {changes} are unknown to "
                "this one). Update smmdesk first."
            ).format(name=info.path.name, changes=", ".join(sorted(unknown)))
        )


def _count(db: Path) -> int:
    conn = sqlite3.connect(str(db), timeout=15)
    try:
        return int(conn.execute("SELECT count(*) FROM orders").fetchone()[0])
    finally:
        conn.close()
