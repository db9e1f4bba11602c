"""Helpers for the backup tests and benchmark: an order book of any size in a real file,
and what a data folder holds.

- ``fill_orders``: ``count`` orders written straight into the ``orders`` table in one
  transaction (executemany), on the panel named (made when missing); newest last.
- ``order_count`` / ``quick_check``: read a database file with a connection of their own.
- ``damage_index``: overwrite the root page of an orders index with noise (the table's rows
  stay readable: what a salvage can get back); ``damage_page``: noise over one page.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from smmdesk.core import store
from smmdesk.core.store.sql import time_text

INSERT = (
    "INSERT INTO orders (panel_id, remote_id, service_id, service_name, service_type, params, "
    "link, quantity, expected_cost, charge, currency, status, raw_status, start_count, "
    "remains, state, source, reference, created_at, updated_at, checked_at, final) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
STATUSES = ("Pending", "In progress", "Completed", "Partial", "Canceled")


def fill_orders(
    db: Database, count: int, *, panel: str = "Alpha", url: str = "", start_id: int = 0
) -> None:
    try:
        panel_id = store.get_panel(db, panel).id
    except Exception:
        panel_id = store.add_panel(db, panel, url or f"https://{panel.lower()}.example/api/v2").id
    start = datetime.now(UTC) - timedelta(minutes=5 * (count + start_id))
    rows = (_row(panel, panel_id, start, i) for i in range(start_id, start_id + count))
    with store.transaction(db):
        db.conn.executemany(INSERT, rows)  # rows made as they are written: no list in memory


def _row(panel: str, panel_id: int, start: datetime, i: int) -> tuple:
    status = STATUSES[i % len(STATUSES)]
    at = time_text(start + timedelta(minutes=5 * i))
    link = f"https://instagram.com/user_{i % 20_000}/p/{i:07d}"
    quantity = 100 + i % 9_900
    charge = f"{quantity * 0.9 / 1000:.5f}"
    params = json.dumps({"link": link, "quantity": str(quantity)})
    return (
        panel_id, f"{panel}-{1_000_000 + i}", "1", "Instagram Followers", "Default",
        params, link, quantity, charge, charge, "USD", status, status, 100 + i % 50_000,
        i % quantity, "placed", "form", f"customer {i % 5000}", at, at, at,
        int(status in ("Completed", "Partial", "Canceled")),
    )  # fmt: skip


def order_count(db_path: Path) -> int:
    conn = sqlite3.connect(str(db_path))
    try:
        return int(conn.execute("SELECT count(*) FROM orders").fetchone()[0])
    finally:
        conn.close()


def quick_check(db_path: Path) -> str:
    conn = sqlite3.connect(str(db_path))
    try:
        return str(conn.execute("PRAGMA quick_check").fetchone()[0])
    finally:
        conn.close()


def checkpoint(db_path: Path) -> None:
    """Everything into the main file (so damage to it is damage to the data)."""
    conn = sqlite3.connect(str(db_path))
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def damage_page(db_path: Path, page: int, page_size: int = 4096) -> None:
    with open(db_path, "r+b") as handle:
        handle.seek((page - 1) * page_size)
        handle.write(os.urandom(page_size))


def root_page(db_path: Path, name: str) -> int:
    conn = sqlite3.connect(str(db_path))
    try:
        return int(
            conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
        )
    finally:
        conn.close()


def orders_leaf_pages(db_path: Path) -> list[int]:
    """The leaf pages of the orders table, in key order (SQLite's dbstat)."""
    conn = sqlite3.connect(str(db_path))
    try:
        rows = conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'orders' AND pagetype = 'leaf' ORDER BY path"
        )
        return [int(r[0]) for r in rows]
    finally:
        conn.close()


def archive_bytes(path: Path) -> bytes:
    """Everything an archive holds, as a scan for a secret must see it: its own bytes and
    every member's, the Zstandard-packed database unpacked."""
    import zipfile

    import zstandard

    raw = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            member = zf.read(name)
            if name.endswith(".zst"):
                member = zstandard.ZstdDecompressor().decompress(member)
            raw += member
    return raw
