"""Backups of the order book in real SQLite files: consistent while written to, rotated,
restored with the current order book kept aside, a damaged file met with the latest backup
and the orders it still yields."""

from __future__ import annotations

import sqlite3
import threading
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import zstandard

from smmdesk.core import backup
from smmdesk.core.backup import BackupInfo
from smmdesk.core.desk import Desk
from smmdesk.core.errors import BackupUnusable, DamagedDatabase
from smmdesk.core.paths import database_path
from smmdesk.core.settings import Settings
from smmdesk.core.store import open_db
from tests.helpers.backups import (
    checkpoint,
    damage_page,
    fill_orders,
    order_count,
    orders_leaf_pages,
    quick_check,
    root_page,
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A data folder whose order book holds 2,000 orders."""
    data = tmp_path / "data"
    data.mkdir()
    db = open_db(database_path(data))
    fill_orders(db, 2000)
    db.close()
    return data


def settings_of(folder: Path, **changes: Any) -> Settings:
    return Settings.load(folder).update(**changes)


def test_a_backup_is_a_compressed_consistent_copy(folder: Path, tmp_path: Path) -> None:
    info = backup.backup_now(folder, settings_of(folder))
    assert info is not None and info.orders == 2000 and info.panels == ("Alpha",)
    assert info.path.parent == folder / "backups" and info.path.name.startswith("smmdesk-backup-")
    with zipfile.ZipFile(info.path) as zf:
        assert sorted(zf.namelist()) == ["manifest.json", "smmdesk.sqlite3.zst"]
        packed = zf.read("smmdesk.sqlite3.zst")
    unpacked = zstandard.ZstdDecompressor().decompress(packed)
    assert len(packed) < len(unpacked) / 2  # compressed
    (tmp_path / "copy.sqlite3").write_bytes(unpacked)
    assert quick_check(tmp_path / "copy.sqlite3") == "ok"
    assert order_count(tmp_path / "copy.sqlite3") == 2000
    assert not [p for p in info.path.parent.iterdir() if p.suffix == ".part"]


def test_a_backup_while_another_connection_writes_is_consistent(folder: Path) -> None:
    db = database_path(folder)
    stop, writing, committed = threading.Event(), threading.Event(), []

    def writer() -> None:
        conn = open_db(db)
        n = 10_000
        while not stop.is_set():
            fill_orders(conn, 50, start_id=n)
            n += 50
            committed.append(n)
            writing.set()
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert writing.wait(10)
        infos = []
        for _ in range(3):
            before = len(committed)
            infos.append(backup.backup_now(folder, settings_of(folder)))
            assert len(committed) > before  # the writer went on during the backup
    finally:
        stop.set()
        thread.join()
    for info in infos:
        assert info is not None
        restored = backup.restore(folder, settings_of(folder), info.path)
        assert restored.orders == info.orders and (info.orders - 2000) % 50 == 0
        assert quick_check(db) == "ok"
    assert infos[0] is not None and infos[-1] is not None
    assert 2000 < infos[0].orders < infos[-1].orders


def test_nothing_changed_means_no_new_backup(folder: Path) -> None:
    settings = settings_of(folder)
    first = backup.backup_now(folder, settings, only_if_changed=True)
    assert first is not None
    assert backup.backup_now(folder, settings, only_if_changed=True) is None
    db = open_db(database_path(folder))
    fill_orders(db, 1, start_id=5000)
    db.close()
    assert backup.backup_now(folder, settings, only_if_changed=True) is not None


def info_at(path: str, at: datetime) -> BackupInfo:
    return BackupInfo(path=Path(path), kind="backup", created_at=at, orders=1)


def test_the_rotation_keeps_the_last_ones_one_a_day_and_one_a_week() -> None:
    now = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
    backups = [info_at(f"h{h}", now - timedelta(hours=h)) for h in range(0, 24 * 60, 3)]
    kept = backup.to_keep(backups, last=10, days=7, weeks=4, now=now)
    newest_ten = {f"h{h}" for h in range(0, 30, 3)}
    assert newest_ten <= {p.name for p in kept}
    days = {b.created_at.astimezone().date() for b in backups if b.path in kept}
    assert len(days) <= 7 + 4 + 2  # a week of days, then a month of weeks
    oldest = min(b.created_at for b in backups if b.path in kept)
    assert now - oldest <= timedelta(weeks=4, days=1)
    assert len(kept) < len(backups) / 10
    only_last = backup.to_keep(backups, last=3, days=0, weeks=0, now=now)
    assert {p.name for p in only_last} == {"h0", "h3", "h6"}


def test_pruning_touches_only_automatic_backups(folder: Path) -> None:
    settings = settings_of(folder, backup_keep_last=2, backup_keep_days=0, backup_keep_weeks=0)
    made = [backup.backup_now(folder, settings) for _ in range(4)]
    aside = backup.backup_now(folder, settings, kind="before-restore")
    stranger = folder / "backups" / "my-notes.txt"
    stranger.write_text("mine")
    backup.backup_now(folder, settings)
    names = {p.name for p in (folder / "backups").iterdir()}
    assert all(m is not None and m.path.name not in names for m in made[:3])
    assert aside is not None and aside.path.name in names and "my-notes.txt" in names
    assert len([n for n in names if n.startswith("smmdesk-backup-")]) == 2


def test_restore_keeps_the_current_order_book_aside(folder: Path) -> None:
    settings = settings_of(folder)
    backup.backup_now(folder, settings)
    db = open_db(database_path(folder))
    fill_orders(db, 300, start_id=9000)
    db.close()
    restored = backup.restore(folder, settings, "latest")
    assert restored.orders == 2000 == order_count(database_path(folder))
    assert restored.kept_aside is not None
    assert backup.read_info(restored.kept_aside).orders == 2300
    assert backup.read_info(restored.kept_aside).kind == "before-restore"
    back = backup.restore(folder, settings, restored.kept_aside)  # and back again
    assert back.orders == 2300


def test_a_live_connection_sees_the_restored_order_book(folder: Path) -> None:
    settings = settings_of(folder)
    info = backup.backup_now(folder, settings)
    assert info is not None
    live = open_db(database_path(folder))
    try:
        fill_orders(live, 10, start_id=9000)
        backup.restore(folder, settings, info.path)
        assert live.execute("SELECT count(*) FROM orders").fetchone()[0] == 2000
        fill_orders(live, 1, start_id=20_000)  # and it can still write
    finally:
        live.close()
    assert quick_check(database_path(folder)) == "ok"


def test_a_truncated_order_book_is_met_with_the_latest_backup(folder: Path, keystore: Any) -> None:
    backup.backup_now(folder, settings_of(folder))
    db = database_path(folder)
    checkpoint(db)
    with open(db, "r+b") as handle:
        handle.truncate(db.stat().st_size // 2)
    with pytest.raises(DamagedDatabase) as caught:
        Desk(folder, keystore)
    message = caught.value.user_message
    assert "is damaged" in message and "with 2000 order(s)" in message
    assert "smmdesk-cli restore latest" in message and "File > Restore from backup" in message
    restored = backup.restore(folder, settings_of(folder), "latest")
    assert restored.orders == 2000 and restored.salvage is not None
    assert restored.kept_aside is not None and (restored.kept_aside / db.name).exists()
    assert quick_check(db) == "ok"
    Desk(folder, keystore).db.close()  # opens again


def test_without_a_backup_the_damage_message_says_what_to_do(folder: Path, keystore: Any) -> None:
    db = database_path(folder)
    checkpoint(db)
    db.write_bytes(b"not a database at all" * 200)
    with pytest.raises(DamagedDatabase, match="There is no backup of it yet"):
        Desk(folder, keystore)


def test_an_emptied_file_is_damage_when_backups_hold_orders(folder: Path, keystore: Any) -> None:
    backup.backup_now(folder, settings_of(folder))
    db = database_path(folder)
    checkpoint(db)
    db.write_bytes(b"")
    with pytest.raises(DamagedDatabase, match="the file is empty"):
        Desk(folder, keystore)


def test_orders_placed_after_the_backup_come_back_from_the_damaged_file(
    folder: Path,
) -> None:
    settings = settings_of(folder)
    backup.backup_now(folder, settings)
    db_path = database_path(folder)
    db = open_db(db_path)
    fill_orders(db, 40, start_id=2000)  # placed after the backup
    db.execute("UPDATE orders SET status = 'Completed', updated_at = '2999' WHERE id = 5")
    db.conn.commit()
    db.close()
    checkpoint(db_path)
    leaves = orders_leaf_pages(db_path)
    damage_page(db_path, root_page(db_path, "orders_by_status"))
    damage_page(db_path, leaves[len(leaves) // 2])  # some old orders are lost for good
    assert backup.integrity_problem(db_path) is not None
    restored = backup.restore(folder, settings, "latest")
    assert restored.salvage is not None
    assert restored.salvage.added == 40 and restored.salvage.updated == 1
    assert restored.salvage.damaged_tables == ("orders",)
    assert restored.orders == 2040
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT status FROM orders WHERE id = 5").fetchone()[0] == "Completed"
    conn.close()
    assert quick_check(db_path) == "ok"


def test_files_that_are_not_backups_are_refused_clearly(folder: Path, tmp_path: Path) -> None:
    settings = settings_of(folder)
    (tmp_path / "x.zip").write_bytes(b"PK nonsense")
    with pytest.raises(BackupUnusable, match="not a smmdesk backup"):
        backup.restore(folder, settings, tmp_path / "x.zip")
    with pytest.raises(BackupUnusable, match="There is no file"):
        backup.restore(folder, settings, tmp_path / "missing.zip")
    info = backup.backup_now(folder, settings)
    assert info is not None
    raw = bytearray(info.path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF  # one flipped byte inside the compressed database
    broken = tmp_path / "smmdesk-backup-broken.zip"
    broken.write_bytes(bytes(raw))
    with pytest.raises(BackupUnusable):
        backup.restore(folder, settings, broken)
    assert order_count(database_path(folder)) == 2000  # nothing was touched


def test_move_in_refuses_a_folder_that_holds_data(folder: Path, tmp_path: Path) -> None:
    moved = backup.move_out(folder, settings_of(folder), tmp_path / "move.zip")
    assert moved.kind == "move" and moved.extra["has_settings"]
    with pytest.raises(Exception, match="already holds 1 panel"):
        backup.move_in(folder, tmp_path / "move.zip")
    fresh = tmp_path / "new"
    fresh.mkdir()
    came = backup.move_in(fresh, tmp_path / "move.zip")
    assert came.panels == ("Alpha",) and came.restored.orders == 2000
    assert Settings.load(fresh).webhook_token == Settings.load(folder).webhook_token


def test_a_truncated_file_still_yields_the_orders_on_its_first_half(tmp_path: Path) -> None:
    """The e2e case: a small order book cut in half loses its table list's pages (they sit
    near the end); taken from the backup, they let the surviving orders be read."""
    data = tmp_path / "small"
    data.mkdir()
    db = open_db(database_path(data))
    fill_orders(db, 3)
    db.close()
    settings = settings_of(data)
    backup.backup_now(data, settings)
    db = open_db(database_path(data))
    fill_orders(db, 1, start_id=3)  # placed after the backup
    db.execute("UPDATE orders SET status = 'Partial', updated_at = '2999' WHERE id = 2")
    db.conn.commit()
    db.close()
    path = database_path(data)
    checkpoint(path)
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size // 2)
    restored = backup.restore(data, settings, "latest")
    assert restored.salvage is not None
    assert (restored.salvage.added, restored.salvage.updated) == (1, 1)
    assert restored.orders == 4 and quick_check(path) == "ok"


def test_the_whole_file_is_checked_unless_untouched_since_a_clean_close(
    tmp_path: Path, keystore: Any, run: Any
) -> None:
    from smmdesk.core.backup.health import check_database

    folder = tmp_path / "data"
    run(Desk(folder, keystore).aclose())  # a clean close leaves its mark
    assert check_database(folder) is False  # untouched since: no need to read it all
    assert check_database(folder) is True  # the mark is taken: as after a kill, check
    run(Desk(folder, keystore).aclose())
    with open_db(database_path(folder)) as other:  # another program writes to it
        other.execute("CREATE TABLE touched (x)")
    assert check_database(folder) is True
    run(Desk(folder, keystore).aclose())
    path = database_path(folder)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])  # damaged after a close
    with pytest.raises(DamagedDatabase):
        check_database(folder)
