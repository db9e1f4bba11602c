"""What SQLite refuses is a known error with what to do (smmdesk.core.store.sql): a database
locked by another process past the wait, a read-only file, a full disk. Real files, real
second connections and a real child process with a file-size limit."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from sqlite_utils import Database

from smmdesk.core import store
from smmdesk.core.errors import StorageError
from smmdesk.core.store.db import open_db

REPO = Path(__file__).resolve().parents[3]


def test_a_lock_held_past_the_wait_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "smmdesk.sqlite3"
    open_db(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's long write
    impatient = Database(sqlite3.connect(path, timeout=0.2))
    try:
        with pytest.raises(StorageError) as raised:
            store.add_panel(impatient, "Main", "https://p.example/api/v2")
        assert raised.value.kind == "locked"
        assert "Close other programs using the data folder" in str(raised.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        impatient.close()
    assert store.add_panel(open_db(path), "Main", "https://p.example/api/v2").name == "Main"


def test_a_lock_released_within_the_tries_is_waited_out(tmp_path: Path) -> None:
    """A write lock another process holds past one busy wait, but not past all the tries,
    costs only time: the write goes through (two processes never fail each other)."""
    path = tmp_path / "smmdesk.sqlite3"
    open_db(path).close()
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    patient = Database(sqlite3.connect(path, timeout=0.3))  # three tries: about 0.9 s
    release = threading.Timer(0.45, lambda: holder.execute("ROLLBACK"))  # after one wait
    release.start()
    try:
        assert store.add_panel(patient, "Main", "https://p.example/api/v2").name == "Main"
    finally:
        release.join()
        holder.close()
        patient.close()


def test_a_read_only_database_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "smmdesk.sqlite3"
    open_db(path).close()
    read_only = Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    try:
        with pytest.raises(StorageError) as raised:
            store.add_panel(read_only, "Main", "https://p.example/api/v2")
        assert raised.value.kind == "read_only" and "read-only" in str(raised.value)
    finally:
        read_only.close()


def test_a_full_disk_is_a_storage_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "smmdesk.sqlite3"
    open_db(path).close()
    script = textwrap.dedent(
        f"""
        import resource, signal, os
        from decimal import Decimal
        from smmdesk.core import store
        from smmdesk.core.api.models import Service
        from smmdesk.core.errors import StorageError
        from smmdesk.core.store.db import open_db
        db = open_db({str(path)!r})
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
        limit = os.path.getsize({str(path)!r}) + 64 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        panel = store.add_panel(db, "Main", "https://p.example/api/v2")
        service = Service("1", "Likes", "Default", "Default", "IG", Decimal("1"), 1, 100)
        try:
            for n in range(10_000):
                store.record_sending(db, panel.id, service, {{"link": "x" * 500}})
        except StorageError as error:
            print("STORAGE", error.kind, error)
        """
    )
    ran = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("STORAGE full") and "Free some space" in ran.stdout
