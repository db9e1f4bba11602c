"""The local store: panels, catalogs, the order ledger and history, refills, in SQLite.

Plain functions over a ``sqlite_utils.Database`` (from ``open_db``) that return frozen
dataclasses. Each writing function is one transaction (``BEGIN IMMEDIATE``); called inside
``transaction(db)`` several become one. API keys are never stored here (smmdesk.core.secrets).

    db.py          open_db: WAL, foreign keys, busy timeout, migrations
    migrations.py  the schema as named, recorded migrations
    sql.py         transaction(), money and time as stored text
    panels.py      panels, balances, what a panel refuses
    catalog.py     catalog snapshots, price history, what a refresh changed
    orders.py      the exactly-once ledger (sending -> placed/failed/unknown), events
    statuses.py    status answers, tracked orders, open orders, cancel requests
    history.py     OrderQuery: search, filter, sort, page (keyset), count
    search.py      text search: what matches, and the trigram full-text index behind it
    refills.py     refills and their statuses
"""

from smmdesk.core.store.catalog import (
    CatalogChanges,
    PriceChange,
    PricePoint,
    catalog_age,
    get_service,
    load_catalog,
    price_history,
    save_catalog,
)
from smmdesk.core.store.db import open_db
from smmdesk.core.store.history import (
    SORT_KEYS,
    OrderQuery,
    count_orders,
    normalize_status,
    query_orders,
)
from smmdesk.core.store.migrations import MIGRATIONS, applied_migrations, migrate
from smmdesk.core.store.orders import (
    LOST_AFTER,
    STOPPED_WHILE_SENDING,
    Order,
    OrderEvent,
    OrderState,
    add_event,
    expire_sending,
    find_order,
    get_order,
    mark_failed,
    mark_placed,
    mark_unknown,
    order_events,
    record_sending,
    resolve_unknown,
)
from smmdesk.core.store.panels import (
    Panel,
    add_panel,
    check_new_panel_name,
    close_legacy_webhook,
    get_panel,
    get_panel_by_id,
    list_panels,
    panel_by_webhook_secret,
    remove_panel,
    set_balance,
    set_dialect,
    set_refuses_subscriptions,
    update_panel,
)
from smmdesk.core.store.refills import (
    Refill,
    RefillChanges,
    add_refill,
    apply_refill_statuses,
    list_refills,
    pending_refills,
    refills_for,
)
from smmdesk.core.store.sql import transaction
from smmdesk.core.store.statuses import (
    StatusChanges,
    apply_statuses,
    is_not_found,
    open_orders,
    record_cancel_requests,
    track,
)

__all__ = [
    "LOST_AFTER",
    "MIGRATIONS",
    "SORT_KEYS",
    "STOPPED_WHILE_SENDING",
    "CatalogChanges",
    "Order",
    "OrderEvent",
    "OrderQuery",
    "OrderState",
    "Panel",
    "PriceChange",
    "PricePoint",
    "Refill",
    "RefillChanges",
    "StatusChanges",
    "add_event",
    "add_panel",
    "add_refill",
    "applied_migrations",
    "apply_refill_statuses",
    "apply_statuses",
    "catalog_age",
    "check_new_panel_name",
    "close_legacy_webhook",
    "count_orders",
    "expire_sending",
    "find_order",
    "get_order",
    "get_panel",
    "get_panel_by_id",
    "get_service",
    "is_not_found",
    "list_panels",
    "list_refills",
    "load_catalog",
    "mark_failed",
    "mark_placed",
    "mark_unknown",
    "migrate",
    "normalize_status",
    "open_db",
    "open_orders",
    "order_events",
    "panel_by_webhook_secret",
    "pending_refills",
    "price_history",
    "query_orders",
    "record_cancel_requests",
    "record_sending",
    "refills_for",
    "remove_panel",
    "resolve_unknown",
    "save_catalog",
    "set_balance",
    "set_dialect",
    "set_refuses_subscriptions",
    "track",
    "transaction",
    "update_panel",
]
