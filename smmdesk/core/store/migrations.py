"""The database schema, as named migrations applied in order and recorded with their time.

Each migration is a function ``mNNN_what(db)``, run inside one write transaction together
with its row in ``migrations(name, applied_at)``; running ``migrate`` again does nothing.
Add a migration by appending a function to MIGRATIONS; never edit one that has shipped.
m001 makes panels, catalogs, orders, events and refills; m002 the bulk importer's tables;
m003 the per-panel dialect, webhook secret and add request ids, and catalog flags that may be
"not said"; m004 asks again about orders marked lost by whole-request errors.
m005 the indexes and the full-text index a history of a million orders needs;
m006 the business across panels (sale prices, customers, service groups, markups, balances);
m007 the running sums reports read (smmdesk.core.store.report_sums), kept by triggers.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

from smmdesk.core.errors import RequestRefused
from smmdesk.core.store import report_sums
from smmdesk.core.store.sql import now, time_text, transaction

Migration = Callable[[Database], None]


def m001_initial(db: Database) -> None:
    """Panels, the catalog with its price history, orders and their events, refills."""
    for statement in _INITIAL_SCHEMA:
        db.execute(statement)


_INITIAL_SCHEMA = (
    """CREATE TABLE panels (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        url TEXT NOT NULL,
        currency TEXT,
        balance TEXT,
        balance_at TEXT,
        rate_limit INTEGER NOT NULL DEFAULT 1000,
        refuses_subscriptions INTEGER NOT NULL DEFAULT 0,
        catalog_fetched_at TEXT,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE services (
        panel_id INTEGER NOT NULL REFERENCES panels(id) ON DELETE CASCADE,
        service_id TEXT NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        type_name TEXT,
        category TEXT NOT NULL,
        rate TEXT NOT NULL,
        min INTEGER NOT NULL,
        max INTEGER NOT NULL,
        dripfeed INTEGER NOT NULL DEFAULT 0,
        refill INTEGER NOT NULL DEFAULT 0,
        cancel INTEGER NOT NULL DEFAULT 0,
        extra TEXT NOT NULL DEFAULT '{}',
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (panel_id, service_id)
    )""",
    """CREATE TABLE service_prices (
        id INTEGER PRIMARY KEY,
        panel_id INTEGER NOT NULL REFERENCES panels(id) ON DELETE CASCADE,
        service_id TEXT NOT NULL,
        rate TEXT NOT NULL,
        seen_at TEXT NOT NULL
    )""",
    "CREATE INDEX service_prices_by_service ON service_prices(panel_id, service_id, id)",
    """CREATE TABLE orders (
        id INTEGER PRIMARY KEY,
        panel_id INTEGER NOT NULL REFERENCES panels(id),
        remote_id TEXT,
        service_id TEXT,
        service_name TEXT,
        service_type TEXT,
        params TEXT NOT NULL DEFAULT '{}',
        link TEXT,
        quantity INTEGER,
        expected_cost TEXT,
        charge TEXT,
        currency TEXT,
        status TEXT,
        raw_status TEXT,
        start_count INTEGER,
        remains INTEGER,
        state TEXT NOT NULL,
        error TEXT,
        source TEXT NOT NULL,
        reference TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        checked_at TEXT,
        not_found_count INTEGER NOT NULL DEFAULT 0,
        final INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE UNIQUE INDEX orders_by_remote_id ON orders(panel_id, remote_id)
        WHERE remote_id IS NOT NULL""",
    "CREATE INDEX orders_open ON orders(panel_id, state) WHERE final = 0",
    "CREATE INDEX orders_by_created_at ON orders(created_at)",
    "CREATE INDEX orders_by_status ON orders(status)",
    "CREATE INDEX orders_by_remote_id_alone ON orders(remote_id)",
    """CREATE TABLE order_events (
        id INTEGER PRIMARY KEY,
        order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        status TEXT,
        raw_status TEXT,
        start_count INTEGER,
        remains INTEGER,
        charge TEXT,
        source TEXT NOT NULL,
        note TEXT
    )""",
    "CREATE INDEX order_events_by_order ON order_events(order_id, id)",
    """CREATE TABLE refills (
        id INTEGER PRIMARY KEY,
        order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
        panel_id INTEGER NOT NULL REFERENCES panels(id),
        refill_id TEXT,
        status TEXT,
        raw_status TEXT,
        error TEXT,
        final INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    """CREATE INDEX refills_by_refill_id ON refills(panel_id, refill_id)
        WHERE refill_id IS NOT NULL""",
    "CREATE INDEX refills_by_order ON refills(order_id)",
    "CREATE INDEX refills_pending ON refills(panel_id) WHERE final = 0",
)


def m002_imports(db: Database) -> None:
    """Bulk imports: one ``imports`` row per file content (its sha256), one ``import_rows``
    row per order of the file, identified by file hash + row number and linked to the
    order it became (smmdesk.core.importer.ledger)."""
    for statement in _IMPORTS_SCHEMA:
        db.execute(statement)


_IMPORTS_SCHEMA = (
    """CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        file_hash TEXT NOT NULL UNIQUE,
        file_name TEXT NOT NULL,
        format TEXT NOT NULL,
        default_panel TEXT,
        row_count INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE import_rows (
        import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
        row_number INTEGER NOT NULL,
        identity TEXT NOT NULL UNIQUE,
        line INTEGER NOT NULL,
        "values" TEXT NOT NULL,
        problem TEXT,
        panel TEXT,
        service TEXT,
        fingerprint TEXT,
        state TEXT NOT NULL,
        order_id INTEGER REFERENCES orders(id) ON DELETE SET NULL,
        error TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (import_id, row_number)
    )""",
    """CREATE INDEX import_rows_by_fingerprint ON import_rows(fingerprint)
        WHERE fingerprint IS NOT NULL""",
    "CREATE INDEX import_rows_by_order ON import_rows(order_id) WHERE order_id IS NOT NULL",
)


def m003_dialects(db: Database) -> None:
    """``panels.dialect`` (what the panel speaks, JSON; NULL = not detected yet, see
    smmdesk.core.api.dialect) takes over ``refuses_subscriptions``; ``panels.webhook_secret``
    (each panel's own webhook path) and ``webhook_legacy`` (the old shared-token path still
    accepted for it); ``orders.request_id`` (the client request id an add
    carries where the panel wants one) and ``orders.sending_owner`` (the mark of the process
    sending it, smmdesk.core.store.liveness); services' refill/cancel/dripfeed may be NULL ("the
    catalog does not say"): the snapshot table is rebuilt, its rows kept."""
    db.execute("ALTER TABLE panels ADD COLUMN dialect TEXT")
    db.execute("ALTER TABLE panels ADD COLUMN webhook_secret TEXT")
    db.execute("ALTER TABLE panels ADD COLUMN webhook_legacy INTEGER NOT NULL DEFAULT 0")
    # existing panels may have been given the old shared-token URL: it keeps working for
    # them until they post to their own URL once (smmdesk.core.webhook)
    db.execute("UPDATE panels SET webhook_secret = lower(hex(randomblob(18))), webhook_legacy = 1")
    db.execute(
        """UPDATE panels SET dialect = '{"subscriptions": false}' WHERE refuses_subscriptions = 1"""
    )
    db.execute("ALTER TABLE orders ADD COLUMN request_id TEXT")
    db.execute("ALTER TABLE orders ADD COLUMN sending_owner TEXT")
    db.execute(_SERVICES_V3.replace("CREATE TABLE services", "CREATE TABLE services_v3"))
    db.execute("INSERT INTO services_v3 SELECT * FROM services")
    db.execute("DROP TABLE services")
    db.execute("ALTER TABLE services_v3 RENAME TO services")


_SERVICES_V3 = """CREATE TABLE services (
        panel_id INTEGER NOT NULL REFERENCES panels(id) ON DELETE CASCADE,
        service_id TEXT NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        type_name TEXT,
        category TEXT NOT NULL,
        rate TEXT NOT NULL,
        min INTEGER NOT NULL,
        max INTEGER NOT NULL,
        dripfeed INTEGER,
        refill INTEGER,
        cancel INTEGER,
        extra TEXT NOT NULL DEFAULT '{}',
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (panel_id, service_id)
    )"""


def m004_ask_lost_orders_again(db: Database) -> None:
    """Orders marked lost are asked about again: before this version, one error for a whole
    status request (a refused batch call, a disabled key) counted as a miss for every order
    in it, so open orders were marked lost that the panel never said it does not know. Those
    the panel really doesn't know become lost again after three per-order answers."""
    stamp = time_text(now())
    lost = [
        order_id
        for (order_id,) in db.execute(
            "SELECT id FROM orders WHERE final = 0 AND not_found_count >= ?", (_LOST_AFTER,)
        )
    ]
    db.conn.executemany(
        "INSERT INTO order_events (order_id, at, source, note) VALUES (?, ?, 'update', ?)",
        [(order_id, stamp, _ASKED_AGAIN) for order_id in lost],
    )
    db.execute("UPDATE orders SET not_found_count = 0 WHERE final = 0 AND not_found_count >= ?",
               (_LOST_AFTER,))  # fmt: skip


_LOST_AFTER = 3  # store.orders.LOST_AFTER when m004 was written
_ASKED_AGAIN = (
    "smmdesk asks the panel about this order again: it had been marked lost after errors "
    "that were about a whole request, not about this order."
)


def m006_business(db: Database) -> None:
    """What a reseller's business needs: the sale price of an order (what the customer pays;
    the customer is ``orders.reference``), the customers list, the reseller's choices about
    which services of different panels are the same (keyed by panel and service id, so they
    survive catalog refreshes), markup rules, and every balance a panel reported."""
    for statement in _BUSINESS_SCHEMA:
        db.execute(statement)


_BUSINESS_SCHEMA = (
    "ALTER TABLE orders ADD COLUMN sale_price TEXT",
    # (orders by panel and service: m005's orders_by_service serves them)
    """CREATE TABLE customers (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE service_groups (
        panel_id INTEGER NOT NULL REFERENCES panels(id) ON DELETE CASCADE,
        service_id TEXT NOT NULL,
        group_key TEXT NOT NULL,
        alone INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (panel_id, service_id)
    )""",
    """CREATE TABLE markup_rules (
        id INTEGER PRIMARY KEY,
        panel_id INTEGER REFERENCES panels(id) ON DELETE CASCADE,
        category TEXT,
        service_id TEXT,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE balance_history (
        id INTEGER PRIMARY KEY,
        panel_id INTEGER NOT NULL REFERENCES panels(id) ON DELETE CASCADE,
        amount TEXT NOT NULL,
        currency TEXT NOT NULL,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX balance_history_by_panel ON balance_history(panel_id, at)",
    # how each service name reads (smmdesk.core.offers.names), kept so a comparison does not
    # read 15,000 names again; rows of another reading version are read again
    """CREATE TABLE name_parts (
        name TEXT NOT NULL,
        category TEXT NOT NULL,
        version INTEGER NOT NULL,
        parts TEXT NOT NULL,
        PRIMARY KEY (name, category)
    )""",
)


def m005_history_at_scale(db: Database) -> None:
    """Indexes for every filter and sort of the orders view, the reports (by time, panel,
    service) and startup; ``orders_fts``, a trigram full-text index over the link, the
    reference (the customer), the service name and the remote id, kept in step with
    ``orders`` by triggers and built here for the orders already stored.

    On an existing database of a million orders this takes about half a minute, once."""
    for statement in _HISTORY_SCHEMA:
        db.execute(statement)
    db.execute("INSERT INTO orders_fts(orders_fts) VALUES ('rebuild')")


# The text columns the full-text index covers, in its column order.
FTS_COLUMNS = ("link", "reference", "service_name", "remote_id")
_NEW = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
_OLD = ", ".join(f"old.{c}" for c in FTS_COLUMNS)
_FTS_DELETE = (
    f"INSERT INTO orders_fts(orders_fts, rowid, {', '.join(FTS_COLUMNS)}) "
    f"VALUES ('delete', old.id, {_OLD});"
)
_FTS_INSERT = f"INSERT INTO orders_fts(rowid, {', '.join(FTS_COLUMNS)}) VALUES (new.id, {_NEW});"

_HISTORY_SCHEMA = (
    # filters, each with the default sort (newest first) so a page is read in index order;
    # the panel last so that a count of status + panel reads the index alone
    "CREATE INDEX orders_by_status_created ON orders(status, created_at, panel_id)",
    "CREATE INDEX orders_by_state_created ON orders(state, created_at, panel_id)",
    "CREATE INDEX orders_by_panel_created ON orders(panel_id, created_at)",
    """CREATE INDEX orders_open_by_created
        ON orders(created_at, panel_id, not_found_count, remote_id) WHERE final = 0""",
    # reports by service (issue 13), and the service column's sort
    "CREATE INDEX orders_by_service ON orders(panel_id, service_id, created_at)",
    "CREATE INDEX orders_by_service_name ON orders(service_name COLLATE NOCASE)",
    # the other sorts (ties by local id: the rowid every index ends with)
    "CREATE INDEX orders_by_panel ON orders(panel_id)",
    "CREATE INDEX orders_by_updated_at ON orders(updated_at)",
    "CREATE INDEX orders_by_quantity ON orders(quantity)",
    "CREATE INDEX orders_by_charge ON orders(CAST(charge AS REAL))",
    "CREATE INDEX orders_by_remote_number ON orders(CAST(remote_id AS INTEGER), remote_id)",
    f"""CREATE VIRTUAL TABLE orders_fts USING fts5({", ".join(FTS_COLUMNS)},
        content='orders', content_rowid='id', tokenize='trigram')""",
    f"CREATE TRIGGER orders_fts_insert AFTER INSERT ON orders BEGIN {_FTS_INSERT} END",
    f"CREATE TRIGGER orders_fts_delete AFTER DELETE ON orders BEGIN {_FTS_DELETE} END",
    f"""CREATE TRIGGER orders_fts_update AFTER UPDATE OF {", ".join(FTS_COLUMNS)} ON orders
        BEGIN {_FTS_DELETE} {_FTS_INSERT} END""",
)


def m007_report_sums(db: Database) -> None:
    """Spend, sales and profit summed per day, panel and currency, and per month and service
    or customer, exactly, kept in step with ``orders`` by triggers (the tables, triggers and
    what the sums are: smmdesk.core.store.report_sums), and summed here for the orders
    already stored: a report over a million orders reads a few thousand rows.

    On an existing database of a million orders this takes about 15 seconds, once."""
    report_sums.create(db)


MIGRATIONS: tuple[Migration, ...] = (
    m001_initial,
    m002_imports,
    m003_dialects,
    m004_ask_lost_orders_again,
    m005_history_at_scale,
    m006_business,
    m007_report_sums,
)


def migrate(db: Database, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[str]:
    """Apply the migrations not applied yet, in order; return the names applied now.

    Takes the write lock only when something is to be done, so opening a database that is
    up to date never waits for another process's write.
    """
    if "migrations" not in db.table_names():
        db.execute(
            "CREATE TABLE IF NOT EXISTS migrations "
            "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
    done = applied_migrations(db)
    _refuse_newer(done, migrations)
    applied_now = []
    for migration in migrations:
        if migration.__name__ in done:
            continue
        with transaction(db):
            # Checked again under the write lock: another process may have just applied it.
            if _is_applied(db, migration.__name__):
                continue
            migration(db)
            db.execute(
                "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                (migration.__name__, time_text(now())),
            )
        applied_now.append(migration.__name__)
    return applied_now


def applied_migrations(db: Database) -> dict[str, str]:
    """Name -> applied_at (ISO-8601 UTC text) of every migration recorded."""
    return {name: at for name, at in db.execute("SELECT name, applied_at FROM migrations")}


def _is_applied(db: Database, name: str) -> bool:
    return db.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone() is not None


def _refuse_newer(done: dict[str, str], migrations: tuple[Migration, ...]) -> None:
    known = {migration.__name__ for migration in migrations}
    unknown = set(done) - known
    if unknown:
        raise RequestRefused(
            "This data folder was last used by a newer version of smmdesk "
            f"(database changes {', '.join(sorted(unknown))} are unknown to this one). "
            "Update smmdesk, or use another data folder with --data-dir."
        )
