"""The API key lives in the keyring only: never in the data folder's files."""

from __future__ import annotations

from decimal import Decimal

from smmdesk.core.api.models import ItemError, OrderStatus
from smmdesk.core.paths import data_dir, database_path
from smmdesk.core.store import (
    add_panel,
    apply_statuses,
    mark_placed,
    open_db,
    record_sending,
    save_catalog,
    set_balance,
)

KEY = "5f4dcc3b5aa765d61d8327deb882cf99-smmdesk-secret"


def data_files(folder):
    return [p for p in folder.rglob("*") if p.is_file()]


def test_a_panel_added_with_its_key_leaves_no_trace_of_the_key_on_disk(
    tmp_path, keystore, make_service
):
    folder = data_dir(str(tmp_path / "data"))
    db = open_db(database_path(folder))
    panel = add_panel(db, "Main", "https://panel.example/api/v2")
    keystore.set(panel.name, KEY)

    set_balance(db, panel.id, Decimal("1000.00"), "USD")
    save_catalog(db, panel.id, [make_service("1"), make_service("2", type="Poll")])
    order = record_sending(db, panel.id, make_service("1"), {"link": "https://x", "quantity": "50"})
    mark_placed(db, order.id, "1")
    apply_statuses(db, panel.id, {"1": OrderStatus("Completed", "Completed", Decimal("0.045"))})
    apply_statuses(db, panel.id, {"1": ItemError("Incorrect order ID")})

    wal = database_path(folder).with_name("smmdesk.sqlite3-wal")
    assert wal.stat().st_size > 0  # the open database has recent writes in its WAL
    snapshots = {f"open:{p.name}": p.read_bytes() for p in data_files(folder)}
    db.close()
    snapshots |= {f"closed:{p.name}": p.read_bytes() for p in data_files(folder)}

    assert keystore.get("Main") == KEY
    assert "closed:smmdesk.sqlite3" in snapshots and "open:smmdesk.sqlite3-wal" in snapshots
    for name, content in snapshots.items():
        assert KEY.encode() not in content, name
        assert KEY.encode("utf-16-le") not in content, name
