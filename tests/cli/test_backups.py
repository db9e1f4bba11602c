"""Backups from the command line as a user meets them: real subprocesses, real files, the
demo panel over loopback; a kill -9 in the middle of a backup and of a restore; a disk that
refuses the file; keys that never leave the keyring."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from smmdesk.core.paths import database_path
from smmdesk.core.store import open_db
from tests.cli.test_basics import REPO, Cli
from tests.helpers.backups import archive_bytes, checkpoint, fill_orders, order_count, quick_check

BIG = 150_000  # enough orders that a backup or restore takes a moment to kill it in


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def place(cli: Cli, n: int) -> None:
    for i in range(n):
        cli("order", "add", "demo", "1", f"link=https://instagram.com/p/b{i}", "quantity=100",
            "--yes")  # fmt: skip


def test_damaged_order_book_then_restore_latest(cli: Cli, demo_panel: Any) -> None:
    cli.add_panel("demo", demo_panel.url, demo_panel.key)
    place(cli, 3)
    made = cli.json("backup")
    assert made["orders"] == 3 and made["panels"] == ["demo"]
    inside = archive_bytes(Path(made["file"]))
    assert b"https://instagram.com/p/b0" in inside  # the scan reads the unpacked order book
    assert demo_panel.key.encode() not in inside
    listed = cli.json("backups")
    assert [b["orders"] for b in listed["backups"]] == [3]
    db = database_path(cli.data)
    checkpoint(db)
    with open(db, "r+b") as handle:
        handle.truncate(db.stat().st_size // 2)

    ran = cli("orders", code=1)
    assert len(ran.err_lines) == 1
    assert "is damaged" in ran.err and "with 3 order(s)" in ran.err
    assert "smmdesk-cli restore latest" in ran.err

    back = cli("restore", "latest")
    assert "3 order(s) in the order book now" in back.out
    assert "damaged" in back.out  # where the damaged file is kept
    assert len(cli.json("orders")) == 3
    assert quick_check(db) == "ok"


def test_move_out_then_move_in_asks_for_each_key(cli: Cli, demo_panel: Any, tmp_path: Path) -> None:
    cli.add_panel("demo", demo_panel.url, demo_panel.key)
    place(cli, 2)
    move = tmp_path / "carry.zip"
    out = cli("move-out", move)
    assert "API keys are not in it" in out.out
    assert demo_panel.key.encode() not in archive_bytes(move)
    with zipfile.ZipFile(move) as zf:
        assert set(zf.namelist()) == {"manifest.json", "settings.json", "smmdesk.sqlite3.zst"}

    laptop = Cli(tmp_path / "laptop")  # another data folder, another keyring
    skipped = laptop("move-in", move, input="\n", code=1)
    assert "Still without a key: demo" in skipped.out
    assert [p["name"] for p in laptop.json("panel", "list")] == ["demo"]
    assert len(laptop.json("orders")) == 2
    assert laptop.keys() == {}
    laptop("keys", input=demo_panel.key + "\n")
    assert laptop.keys() == {"demo": demo_panel.key}
    assert laptop.json("balance")[0]["panel"] == "demo"
    again = laptop("move-in", move, code=1)  # the folder holds data now
    assert "already holds 1 panel(s) and 2 order(s)" in again.err


def test_backup_settings_are_kept(cli: Cli, tmp_path: Path) -> None:
    elsewhere = tmp_path / "usb drive"
    assert "nothing to back up" in cli("backup", code=1).err  # no order book yet
    cli("panel", "list")
    listed = cli.json("backups", "--folder", elsewhere, "--keep-last", "3", "--every", "15")
    assert listed["folder"] == str(elsewhere) and listed["backups"] == []
    made = cli.json("backup")
    assert Path(made["file"]).parent == elsewhere
    text = cli("backups").out
    assert "every 15 min" in text and "last 3" in text
    assert "must be between" in cli("backups", "--keep-last", "0", code=1).err


def make_big(cli: Cli) -> Path:
    cli.data.mkdir(parents=True)
    db = open_db(database_path(cli.data))
    fill_orders(db, BIG)
    db.close()
    return database_path(cli.data)


def run_until(cli: Cli, args: list[str], seen: Callable[[], bool]) -> subprocess.Popen:
    """Start ``smmdesk-cli args`` and kill -9 it as soon as ``seen()`` is true."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "smmdesk.cli", *args], cwd=REPO, env=cli.env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not seen() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    assert proc.poll() is None, "the command ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    return proc


def test_killed_during_a_backup_the_data_folder_is_whole(cli: Cli) -> None:
    db = make_big(cli)
    backups = cli.data / "backups"
    run_until(cli, ["backup"], lambda: backups.exists() and any(backups.glob(".*.part")))
    assert quick_check(db) == "ok" and order_count(db) == BIG
    assert cli.json("backups")["backups"] == []  # no half backup passes for one
    made = cli.json("backup")  # and the next one works
    assert made["orders"] == BIG


@pytest.mark.parametrize("moment", ["unpacking", "copying in"])
def test_killed_during_a_restore_the_data_folder_is_whole(cli: Cli, moment: str) -> None:
    db = make_big(cli)
    cli("backup")
    live = open_db(db)
    fill_orders(live, 25, start_id=BIG)
    live.close()
    unpacked = cli.data / ".smmdesk.sqlite3.restoring"

    def seen() -> bool:
        if moment == "unpacking":
            return any(cli.data.glob(".*.part"))
        # unpacked, and the current order book backed up: the copy into it runs now
        kept = any((cli.data / "backups").glob("smmdesk-before-restore-*.zip"))
        return unpacked.exists() and kept

    run_until(cli, ["restore", "latest"], seen)
    assert quick_check(db) == "ok"
    assert order_count(db) in (BIG, BIG + 25)  # the old order book, or the restored one
    assert len(cli.json("orders", "--limit", "1")) == 1  # smmdesk opens it
    assert cli.json("restore", "latest")["orders"] == BIG  # and a restore completes


def limit_file_size() -> None:
    """In the child: files may not grow past 1 MB (writes then fail with EFBIG)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


def test_a_full_disk_during_a_backup_is_a_clear_warning(cli: Cli) -> None:
    cli.data.mkdir(parents=True)
    db = open_db(database_path(cli.data))
    fill_orders(db, 10_000)  # several MB: more than the 1 MB the backup may write
    db.close()
    cli("panel", "list")  # the logs and settings exist before the limit
    ran = subprocess.run(
        [sys.executable, "-m", "smmdesk.cli", "backup"], cwd=REPO, env=cli.env,
        capture_output=True, text=True, timeout=60, preexec_fn=limit_file_size,
    )  # fmt: skip
    assert ran.returncode == 1, ran.stderr
    lines = ran.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("smmdesk: smmdesk could not write")
    assert "full" in lines[0] and "Traceback" not in ran.stderr
    left = [p.name for p in (cli.data / "backups").iterdir()]
    assert left == []  # nothing half-written left behind
    assert quick_check(database_path(cli.data)) == "ok"


def test_a_backup_folder_that_cannot_be_made_is_a_clear_warning(cli: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    cli("panel", "list")
    ran = cli("backup", blocker / "backup.zip", code=1)
    assert ran.err.startswith("smmdesk: smmdesk could not write") and len(ran.err_lines) == 1
    assert os.path.isfile(blocker)
