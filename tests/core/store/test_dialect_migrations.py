"""m003/m004 on a database made by the first version: what panels speak, their webhook
secrets, catalog flags that may be "not said", and orders marked lost by whole-request errors
asked about again."""

from __future__ import annotations

from sqlite_utils import Database

from smmdesk.core import store
from smmdesk.core.store import MIGRATIONS, migrate
from smmdesk.core.store.db import open_db

FIRST_VERSION = MIGRATIONS[:2]  # m001, m002


def old_database(path) -> Database:
    db = Database(path)
    migrate(db, FIRST_VERSION)
    db.execute(
        "INSERT INTO panels (id, name, url, refuses_subscriptions, created_at) VALUES "
        "(1, 'Main', 'https://p.example/api/v2', 1, '2026-11-01T00:00:00+00:00')"
    )
    db.execute(
        "INSERT INTO services (panel_id, service_id, name, type, category, rate, min, max, "
        "refill, fetched_at) VALUES (1, '7', 'Likes', 'Default', 'IG', '0.5', 10, 100, 1, "
        "'2026-11-01T00:00:00+00:00')"
    )
    for remote, misses, final in (("101", 3, 0), ("102", 1, 0), ("103", 3, 1)):
        db.execute(
            "INSERT INTO orders (panel_id, remote_id, state, source, not_found_count, final, "
            "created_at, updated_at) VALUES (1, ?, 'placed', 'cli', ?, ?, "
            "'2026-11-01T00:00:00+00:00', '2026-11-01T00:00:00+00:00')",
            (remote, misses, final),
        )
    db.conn.commit()
    return db


def test_old_panels_keep_what_they_refused_and_get_their_own_webhook_secret(tmp_path) -> None:
    path = tmp_path / "smmdesk.sqlite3"
    old_database(path).close()
    db = open_db(path)
    [panel] = store.list_panels(db)
    assert panel.refuses_subscriptions  # carried into the dialect
    assert panel.dialect.batch_status is None  # not detected yet: found out on first use
    assert panel.webhook_secret and len(panel.webhook_secret) >= 32
    assert panel.webhook_legacy  # its old shared-token URL keeps working for now
    [service] = store.load_catalog(db, panel.id)
    assert (service.refill, service.cancel) == (True, False)  # kept as they were


def test_orders_lost_to_whole_request_errors_are_asked_about_again(tmp_path) -> None:
    path = tmp_path / "smmdesk.sqlite3"
    old_database(path).close()
    db = open_db(path)
    orders = {o.remote_id: o for o in store.query_orders(db, store.OrderQuery(order_by="id"))}
    assert not orders["101"].lost and orders["101"].not_found_count == 0
    assert orders["102"].not_found_count == 1  # not lost: left as it was
    assert [remote for _, remote in store.open_orders(db, 1)] == ["101", "102"]
    notes = [e.note for e in store.order_events(db, orders["101"].id)]
    assert any("asks the panel about this order again" in (n or "") for n in notes)
    assert store.order_events(db, orders["103"].id) == []  # final orders are not touched
