"""Opening the database: WAL, foreign keys, busy timeout, migrations, bad files."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlite_utils import Database

from smmdesk.core.errors import ConfigError, StorageError
from smmdesk.core.store import (
    MIGRATIONS,
    add_panel,
    applied_migrations,
    list_panels,
    migrate,
    open_db,
    transaction,
)
from smmdesk.core.store.sql import parse_time


def test_a_new_file_gets_every_table_and_records_its_migrations(tmp_path):
    db = open_db(tmp_path / "smmdesk.sqlite3")
    expected = {"panels", "services", "service_prices", "orders", "order_events", "refills"}
    assert expected <= set(db.table_names())
    applied = applied_migrations(db)
    assert list(applied) == [m.__name__ for m in MIGRATIONS]
    assert all(parse_time(at).tzinfo is not None for at in applied.values())
    db.close()


def test_opening_again_changes_nothing_and_keeps_the_data(tmp_path):
    path = tmp_path / "smmdesk.sqlite3"
    db = open_db(path)
    add_panel(db, "Main", "https://panel.example/api/v2")
    first = applied_migrations(db)
    db.close()

    db = open_db(path)
    assert applied_migrations(db) == first
    assert migrate(db) == []
    assert [p.name for p in list_panels(db)] == ["Main"]
    db.close()


@pytest.fixture
def bare_db(tmp_path):
    """A plain sqlite-utils Database, not yet migrated."""
    database = Database(tmp_path / "x.sqlite3")
    yield database
    database.close()


def test_migrate_applies_only_what_is_new(bare_db):
    db = bare_db
    assert migrate(db, MIGRATIONS[:1]) == [MIGRATIONS[0].__name__]

    def m999_add_notes(db: Database) -> None:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")

    newer = [m.__name__ for m in MIGRATIONS[1:]]
    assert migrate(db, (*MIGRATIONS, m999_add_notes)) == [*newer, "m999_add_notes"]
    assert "notes" in db.table_names()
    assert migrate(db, (*MIGRATIONS, m999_add_notes)) == []


def test_a_failing_migration_leaves_nothing_behind(bare_db):
    db = bare_db
    migrate(db)

    def m998_broken(db: Database) -> None:
        db.execute("CREATE TABLE half (id INTEGER)")
        db.execute("THIS IS NOT SQL")

    with pytest.raises(sqlite3.OperationalError):
        migrate(db, (*MIGRATIONS, m998_broken))
    assert "half" not in db.table_names()
    assert "m998_broken" not in applied_migrations(db)


def test_wal_foreign_keys_and_busy_timeout_are_on(db):
    assert db.journal_mode == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO services (panel_id, service_id, name, type, category, rate, min, max, "
            "fetched_at) VALUES (99, '1', 'x', 'Default', 'c', '1', 1, 1, 'now')"
        )


def test_a_database_from_a_newer_smmdesk_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "smmdesk.sqlite3"
    open_db(path).close()
    raw = sqlite3.connect(path)
    raw.execute("INSERT INTO migrations VALUES ('m900_future', '2030-01-01T00:00:00+00:00')")
    raw.commit()
    raw.close()
    with pytest.raises(ConfigError, match="newer version of smmdesk") as caught:
        open_db(path)
    assert "Update smmdesk" in str(caught.value)


def test_a_file_that_is_not_a_database_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "smmdesk.sqlite3"
    path.write_bytes(b"this is a spreadsheet, not a database" * 100)
    with pytest.raises(StorageError, match="move it away"):
        open_db(path)


def test_transaction_rolls_everything_back_on_error(db):
    with pytest.raises(RuntimeError), transaction(db):
        add_panel(db, "One", "https://one.example/api/v2")
        raise RuntimeError("boom")
    assert list_panels(db) == []


def test_a_second_connection_reads_while_another_writes(tmp_path):
    """WAL: the GUI reads history while a worker thread writes statuses."""
    path = tmp_path / "smmdesk.sqlite3"
    writer = open_db(path)
    add_panel(writer, "Main", "https://panel.example/api/v2")
    seen: list[list[str]] = []

    def read_in_another_thread() -> None:
        reader = open_db(path)
        seen.append([p.name for p in list_panels(reader)])
        reader.close()

    with transaction(writer):
        add_panel(writer, "Second", "https://second.example/api/v2")
        thread = threading.Thread(target=read_in_another_thread)
        thread.start()
        thread.join(timeout=30)
    assert seen == [["Main"]]  # the reader was not blocked and saw the committed state
    assert [p.name for p in list_panels(writer)] == ["Main", "Second"]
    writer.close()
