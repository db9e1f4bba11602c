"""Backups in the program, through its menus: automatic backups, File > Restore from
backup…, File > Export everything…, "Bring my data" on the welcome page, a full disk, and
a damaged order book at start."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QWidget

from smmdesk.core import backup
from smmdesk.core.desk import Desk
from smmdesk.core.paths import database_path
from smmdesk.core.settings import Settings
from smmdesk.core.store import open_db
from smmdesk.ui.backups.dialogs import RestoreDialog
from tests.helpers.backups import archive_bytes, checkpoint, damage_page, fill_orders, root_page
from tests.helpers.gui import WAIT_MS, click_button, close_window, open_window, wait_box, wait_for


@pytest.fixture
def window(gui_desk: Any, qtbot: Any) -> Any:
    fill_orders(gui_desk.db, 5, panel="demo")
    win = open_window(gui_desk, qtbot)
    yield win
    close_window(win, qtbot)


def backups_of(desk: Desk) -> list[backup.BackupInfo]:
    return backup.list_backups(desk.folder / "backups")[0]


def wait_backup(window: Any, qtbot: Any, **kwargs: Any) -> Any:
    task = window.backups.backup(**kwargs)
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    return task.result()


def visible(kind: type, name: str) -> Any:
    from PySide6.QtWidgets import QApplication

    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind)]
    return next((w for w in found if w.objectName() == name and w.isVisible()), None)


def test_backups_on_start_then_only_when_something_changed(window: Any, qtbot: Any) -> None:
    window.backups.start_delay_ms = 0  # (5 s in the program)
    window.start(refresh=False)
    qtbot.waitUntil(lambda: "Backed up 5 orders" in window.status.currentMessage(), timeout=WAIT_MS)
    assert [b.orders for b in backups_of(window.desk)] == [5]
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=WAIT_MS)  # the catalog came
    wait_backup(window, qtbot)
    assert wait_backup(window, qtbot) is None  # nothing changed since
    fill_orders(window.desk.db, 2, panel="demo", start_id=100)
    assert wait_backup(window, qtbot).orders == 7
    assert window.backups._timer.interval() == 30 * 60_000


def test_file_restore_from_backup_lists_and_restores(window: Any, qtbot: Any) -> None:
    wait_backup(window, qtbot, only_if_changed=False)
    fill_orders(window.desk.db, 3, panel="demo", start_id=100)
    window.events.orders_added.emit([6, 7, 8])
    qtbot.waitUntil(lambda: window.orders.model.rowCount() == 8, timeout=WAIT_MS)

    window.actions_by_name["restore"].trigger()
    dialog = window.findChild(RestoreDialog, "restoreDialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 2).text() == "5" and dialog.table.item(0, 1).text() == "automatic"
    assert dialog.table.item(0, 0).text()[:2] == "20"  # its time, 2026-...
    dialog.restore_button.click()

    box = wait_box(window, "restoredBox", qtbot)
    assert "5 orders" in box.text() and "before-restore" in box.text()
    qtbot.waitUntil(lambda: window.orders.model.rowCount() == 5, timeout=WAIT_MS)
    kinds = sorted(b.kind for b in backups_of(window.desk))
    assert kinds == ["backup", "before-restore"]
    click_button(box, "OK")


def save_as(dialog: QFileDialog, path: Path) -> None:
    dialog.selectFile(str(path))
    dialog.accept()


def test_file_export_everything_writes_one_file_without_keys(
    window: Any, qtbot: Any, tmp_path: Path, demo_panel: Any
) -> None:
    window.actions_by_name["move_out"].trigger()
    dialog = visible(QFileDialog, "exportEverythingDialog") or window.findChild(
        QFileDialog, "exportEverythingDialog"
    )
    assert dialog is not None and dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    save_as(dialog, tmp_path / "move.zip")
    box = wait_box(window, "exportedBox", qtbot)
    assert "API keys are not in it" in box.text()
    info = backup.read_info(tmp_path / "move.zip")
    assert info.kind == "move" and info.orders == 5 and info.panels == ("demo",)
    inside = archive_bytes(tmp_path / "move.zip")
    assert b"Instagram Followers" in inside  # the scan reads the unpacked order book
    assert demo_panel.key.encode() not in inside
    click_button(box, "OK")


def test_bring_my_data_on_the_welcome_page_then_each_key(
    gui_desk: Any, tmp_path: Path, keystore: Any, demo_panel: Any, qtbot: Any
) -> None:
    fill_orders(gui_desk.db, 4, panel="demo")
    backup.move_out(gui_desk.folder, Settings.load(gui_desk.folder), tmp_path / "move.zip")
    keystore.delete("demo")  # the new computer's keyring knows no key
    fresh = Desk(tmp_path / "new computer", keystore)
    window = open_window(fresh, qtbot)
    try:
        assert window.pages.currentWidget() is window.welcome
        window.welcome.bring_button.click()
        dialog = window.findChild(QFileDialog, "bringDialog")
        assert dialog is not None
        save_as(dialog, tmp_path / "move.zip")
        qtbot.waitUntil(lambda: window.findChild(QWidget, "keyEditor") is not None, timeout=WAIT_MS)
        editor = window.findChild(QWidget, "keyEditor")
        assert editor.isVisible() and editor.name.text() == "demo"
        assert window.pages.currentWidget() is window.orders  # the data is there already
        qtbot.waitUntil(lambda: window.orders.model.rowCount() == 4, timeout=WAIT_MS)
        editor.key.setText(demo_panel.key)
        with qtbot.waitSignal(window.events.panels_changed, timeout=WAIT_MS):
            editor.save()
        assert keystore.get("demo") == demo_panel.key
        assert window.settings.webhook_token == Settings.load(gui_desk.folder).webhook_token
    finally:
        close_window(window, qtbot)
        wait_for(fresh.aclose(), qtbot)


def test_a_full_backup_disk_is_a_warning_not_a_crash(
    window: Any, qtbot: Any, tmp_path: Path
) -> None:
    blocker = tmp_path / "usb"
    blocker.write_text("a file where the backup folder should be")
    window.apply_settings(window.settings.update(backup_folder=str(blocker)))
    task = window.backups.backup(only_if_changed=False)
    box = wait_box(window, "errorBox", qtbot)
    assert "could not write" in box.text() and "unexpected" not in box.text()
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    click_button(box, "Close")
    window.backups.backup(only_if_changed=False)  # the second time: a status line only
    qtbot.waitUntil(lambda: "backup failed" in window.status.currentMessage(), timeout=WAIT_MS)


def test_a_damaged_order_book_at_start_offers_the_latest_backup(
    tmp_path: Path, memory_keyring: Any, aloop: Any, qtbot: Any
) -> None:
    from smmdesk.ui.shell.session import Session

    folder = tmp_path / "data"
    folder.mkdir()
    db = open_db(database_path(folder))
    fill_orders(db, 6)
    db.close()
    backup.backup_now(folder, Settings.load(folder))
    checkpoint(database_path(folder))
    with open(database_path(folder), "r+b") as handle:
        handle.truncate(database_path(folder).stat().st_size // 2)

    opening = asyncio.ensure_future(Session.open(data_dir=str(folder)))
    box = wait_box(None, "damagedBox", qtbot)
    assert "is damaged" in box.text() and "with 6 order(s)" in box.text()
    click_button(box, "Restore the latest backup")
    qtbot.waitUntil(opening.done, timeout=WAIT_MS)
    session = opening.result()
    try:
        restored = wait_box(None, "restoredBox", qtbot)
        assert "6 orders" in restored.text() and "damaged" in restored.text()
        qtbot.waitUntil(lambda: session.window.orders.model.rowCount() == 6, timeout=WAIT_MS)
        click_button(restored, "OK")
    finally:
        session.window.close()
        wait_for(session.close(), qtbot)


def test_declining_the_offer_stops_with_the_message(
    tmp_path: Path, memory_keyring: Any, aloop: Any, qtbot: Any
) -> None:
    from smmdesk.ui.shell.session import Session, SessionError

    folder = tmp_path / "data"
    folder.mkdir()
    db = open_db(database_path(folder))
    fill_orders(db, 2)
    db.close()
    backup.backup_now(folder, Settings.load(folder))
    database_path(folder).write_bytes(b"garbage" * 1000)
    opening = asyncio.ensure_future(Session.open(data_dir=str(folder)))
    click_button(wait_box(None, "damagedBox", qtbot), "Quit")
    qtbot.waitUntil(opening.done, timeout=WAIT_MS)
    with pytest.raises(SessionError, match="is damaged"):
        opening.result()
    assert database_path(folder).read_bytes() == b"garbage" * 1000  # nothing was touched


def test_backup_settings_in_the_settings_dialog(window: Any, qtbot: Any, tmp_path: Path) -> None:
    window.start(refresh=False)
    dialog = window.open_settings()
    dialog.backups.folder.setText(str(tmp_path / "synced"))
    dialog.backups.every.setValue(15)
    dialog.backups.keep_last.setValue(3)
    dialog.save()
    saved = Settings.load(window.desk.folder)
    assert saved.backup_folder == str(tmp_path / "synced") and saved.backup_keep_last == 3
    assert window.backups._timer.interval() == 15 * 60_000
    info = wait_backup(window, qtbot, only_if_changed=False)
    assert info.path.parent == tmp_path / "synced"


def test_restoring_over_a_file_damaged_while_open_reconnects(window: Any, qtbot: Any) -> None:
    wait_backup(window, qtbot, only_if_changed=False)
    fill_orders(window.desk.db, 2, panel="demo", start_id=100)  # after the backup
    db = database_path(window.desk.folder)
    checkpoint(db)
    damage_page(db, root_page(db, "orders_by_status"))
    assert backup.integrity_problem(db) is not None

    window.actions_by_name["restore"].trigger()
    window.findChild(RestoreDialog, "restoreDialog").restore_button.click()
    box = wait_box(window, "restoredBox", qtbot)
    assert "2 order(s) placed after the backup" in box.text()
    assert window.desk.db.execute("SELECT count(*) FROM orders").fetchone()[0] == 7
    assert backup.integrity_problem(db) is None
    qtbot.waitUntil(lambda: window.orders.model.rowCount() == 7, timeout=WAIT_MS)
    click_button(box, "OK")
