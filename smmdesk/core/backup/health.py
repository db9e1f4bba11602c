"""Is the order book whole? ``PRAGMA quick_check`` at start, and a way forward when not.

``check_database(folder)`` runs before the database is used (the Desk calls it): when the
file fails the check it raises DamagedDatabase, whose sentence names the latest good backup
and how to restore it (the GUI offers it in a box). An empty file where backups hold orders
counts as damaged too: SQLite would silently take it for a new, empty order book.

The check reads the whole file (about a second for a million orders), so it is skipped when
nothing can have damaged the file since the last one: the last smmdesk to use it closed it
cleanly (``mark_clean`` keeps the file's size and time then) and neither the file nor its
write-ahead log changed since. A killed or crashed process leaves no mark, and another
program touching the file changes its time: both make the next start check.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

from smmdesk.core.backup.archive import BackupInfo
from smmdesk.core.backup.rotation import backups_dir, latest_backup
from smmdesk.core.errors import DamagedDatabase
from smmdesk.core.i18n import _, ngettext
from smmdesk.core.paths import database_path
from smmdesk.core.settings import Settings

RESTORE_HINT = "smmdesk-cli restore latest"


CLEAN_MARK = ".closed-cleanly"


def check_database(folder: Path) -> bool:
    """Raise DamagedDatabase when the data folder's database is damaged; return whether the
    whole file was checked (False: untouched since a clean close)."""
    db = database_path(Path(folder))
    if not db.exists():
        return False
    clean = _unchanged_since_clean_close(Path(folder), db)
    with contextlib.suppress(OSError):  # this process owns the file until its own clean close
        (Path(folder) / CLEAN_MARK).unlink()
    if clean:
        return False
    problem = integrity_problem(db)
    if problem is None and db.stat().st_size == 0:
        latest = latest_backup(backups_dir(folder, Settings.load(folder)))
        if latest is not None and latest.orders:
            problem = _("the file is empty")
    if problem is not None:
        raise damaged(Path(folder), problem)
    return True


def mark_clean(folder: Path) -> None:
    """The database was closed cleanly: keep its size and time (and its log's), so the next
    start need not read the whole file again."""
    db = database_path(Path(folder))
    with contextlib.suppress(OSError):  # no mark: the next start checks, which is safe
        (Path(folder) / CLEAN_MARK).write_text(json.dumps(_fingerprint(db)), encoding="utf-8")


def _fingerprint(db: Path) -> list[list[int]]:
    found = []
    for path in (db, db.with_name(db.name + "-wal")):
        try:
            info = path.stat()
        except OSError:
            found.append([-1, -1])
        else:
            found.append([info.st_size, info.st_mtime_ns])
    return found


def _unchanged_since_clean_close(folder: Path, db: Path) -> bool:
    try:
        kept = json.loads((folder / CLEAN_MARK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(kept == _fingerprint(db) and kept[0][0] > 0)


def integrity_problem(db: Path) -> str | None:
    """None when the database passes ``PRAGMA quick_check``, else what SQLite said."""
    try:
        conn = sqlite3.connect(str(db), timeout=15)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        verdicts = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()
    if verdicts == ["ok"]:
        return None
    return "; ".join(verdicts[:3])


def damaged(folder: Path, problem: str) -> DamagedDatabase:
    """The DamagedDatabase for ``folder``, offering its latest good backup."""
    db = database_path(folder)
    latest = latest_backup(backups_dir(folder, Settings.load(folder)))
    if latest is None:
        # Translators: {path} is the database file; {problem} what SQLite found wrong.
        # 'smmdesk-cli restore FILE' is a command: keep it.
        message = _(
            "smmdesk's order book {path} is damaged ({problem}). There is no backup of it "
            "yet. Move the file out of the data folder to start with an empty order book, or "
            "restore a copy you kept with 'smmdesk-cli restore FILE'."
        ).format(path=db, problem=problem)
    else:
        # Translators: {path} is the database file; {problem} what SQLite found wrong;
        # {when} the backup's date and time; {command} a command to type (keep its quotes).
        message = ngettext(
            "smmdesk's order book {path} is damaged ({problem}). The latest good backup is "
            "from {when} with {count} order(s): restore it with '{command}' (in the program: "
            "File > Restore from backup…). The damaged file is kept aside, and orders placed "
            "since are recovered from it where it can still be read.",
            "smmdesk's order book {path} is damaged ({problem}). The latest good backup is "
            "from {when} with {count} order(s): restore it with '{command}' (in the program: "
            "File > Restore from backup…). The damaged file is kept aside, and orders placed "
            "since are recovered from it where it can still be read.",
            latest.orders,
        ).format(
            path=db, problem=problem, when=when(latest), count=latest.orders, command=RESTORE_HINT
        )
    return DamagedDatabase(message, path=str(db), latest=latest)


def when(info: BackupInfo) -> str:
    """A backup's time as the reseller reads it (local time)."""
    return info.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
