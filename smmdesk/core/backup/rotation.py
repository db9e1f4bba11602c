"""Automatic backups in a folder, kept as a rotation: the last N, one a day for a week, one
a week for a month (settable: ``Settings.backup_keep_*``).

    info = backup_now(folder, settings)          # a new backup, then the rotation pruned
    backups, unreadable = list_backups(backups_dir(folder, settings))

Only files this module names (``smmdesk-backup-*.zip``) are ever deleted, and never the
newest. Copies kept before a restore (``smmdesk-before-restore-*.zip``) and move files are
listed but never pruned.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from smmdesk.core.backup.archive import BackupInfo, Progress, read_info, snapshot
from smmdesk.core.backup.files import remove_stale_parts
from smmdesk.core.errors import BackupUnusable
from smmdesk.core.paths import database_path
from smmdesk.core.settings import SETTINGS_NAME, Settings

BACKUPS_DIRNAME = "backups"
PREFIX = "smmdesk-backup-"
BEFORE_RESTORE_PREFIX = "smmdesk-before-restore-"


def backups_dir(folder: Path, settings: Settings) -> Path:
    """Where the automatic backups go: the chosen folder, else ``backups/`` of the data
    folder."""
    chosen = settings.backup_folder.strip()
    return Path(chosen).expanduser() if chosen else Path(folder) / BACKUPS_DIRNAME


def new_name(prefix: str = PREFIX, at: datetime | None = None) -> str:
    """``smmdesk-backup-20261201-084500-123.zip`` (UTC, so names sort by time)."""
    at = (at or datetime.now(UTC)).astimezone(UTC)
    return f"{prefix}{at:%Y%m%d-%H%M%S}-{at.microsecond // 1000:03d}.zip"


def backup_now(
    folder: Path,
    settings: Settings,
    *,
    target: Path | None = None,
    kind: str = "backup",
    only_if_changed: bool = False,
    progress: Progress | None = None,
) -> BackupInfo | None:
    """Back the data folder's database up to ``target`` (default: a new file in the
    rotation folder, then pruned). With ``only_if_changed``, None when nothing changed
    since the newest backup there."""
    where = backups_dir(folder, settings) if target is None else Path(target).parent
    if only_if_changed and not changed_since_last(folder, where):
        return None
    prefix = BEFORE_RESTORE_PREFIX if kind == "before-restore" else PREFIX
    path = Path(target) if target is not None else where / new_name(prefix)
    settings_json = _settings_bytes(folder) if kind == "move" else None
    db = database_path(Path(folder))
    info = snapshot(db, path, kind=kind, settings_json=settings_json, progress=progress)
    if target is None and kind == "backup":
        prune(where, settings)
    remove_stale_parts(where)
    return info


def _settings_bytes(folder: Path) -> bytes | None:
    path = Path(folder) / SETTINGS_NAME
    return path.read_bytes() if path.is_file() else None


def list_backups(where: Path) -> tuple[list[BackupInfo], list[tuple[Path, str]]]:
    """(readable backups newest first, [(file, why it can't be read)]) in ``where``."""
    good: list[BackupInfo] = []
    bad: list[tuple[Path, str]] = []
    try:
        files = sorted(Path(where).glob("smmdesk-*.zip"))
    except OSError:
        return [], []
    for path in files:
        try:
            good.append(read_info(path))
        except BackupUnusable as exc:
            bad.append((path, exc.user_message))
    good.sort(key=lambda info: info.created_at, reverse=True)
    return good, bad


def latest_backup(where: Path) -> BackupInfo | None:
    """The newest automatic (or asked-for) backup in ``where``: what "latest" restores."""
    good, _bad = list_backups(where)
    return next((b for b in good if b.kind == "backup"), None)


def changed_since_last(folder: Path, where: Path) -> bool:
    """Whether the database (or its WAL) was written after the newest automatic backup."""
    newest = latest_backup(where)
    if newest is None:
        return True
    db = database_path(Path(folder))
    stamps = [p.stat().st_mtime for p in (db, db.with_name(db.name + "-wal")) if p.exists()]
    return not stamps or max(stamps) > newest.created_at.timestamp()


def prune(where: Path, settings: Settings, *, now: datetime | None = None) -> list[Path]:
    """Delete the automatic backups the rotation no longer keeps; the deleted files."""
    good, _bad = list_backups(where)
    rotating = [b for b in good if b.path.name.startswith(PREFIX) and b.kind == "backup"]
    keep = to_keep(
        rotating,
        last=settings.backup_keep_last,
        days=settings.backup_keep_days,
        weeks=settings.backup_keep_weeks,
        now=now,
    )
    gone = []
    for info in rotating:
        if info.path not in keep:
            try:
                info.path.unlink()
                gone.append(info.path)
            except OSError:
                continue
    return gone


def to_keep(
    backups: Iterable[BackupInfo],
    *,
    last: int,
    days: int,
    weeks: int,
    now: datetime | None = None,
) -> set[Path]:
    """The files a rotation keeps: the newest ``last``; the newest of each of the last
    ``days`` days; the newest of each of the last ``weeks`` weeks (local calendar)."""
    newest_first = sorted(backups, key=lambda b: b.created_at, reverse=True)
    now = (now or datetime.now(UTC)).astimezone()
    keep = {b.path for b in newest_first[: max(last, 1)]}
    day_floor = now.date() - timedelta(days=days - 1) if days else None
    week_floor = now.date() - timedelta(weeks=weeks) if weeks else None
    seen_days: set[object] = set()
    seen_weeks: set[object] = set()
    for backup in newest_first:
        local = backup.created_at.astimezone().date()
        if day_floor is not None and local >= day_floor and local not in seen_days:
            seen_days.add(local)
            keep.add(backup.path)
        week = local.isocalendar()[:2]
        if week_floor is not None and local > week_floor and week not in seen_weeks:
            seen_weeks.add(week)
            keep.add(backup.path)
    return keep
