"""Every read the GUI and the CLI make of the order book, in one query object: ``desk.read``.

Its methods are the store's read functions (``smmdesk.core.store``, ``offers``,
``attention``, the import ledger, reports) bound to the Desk's database, so callers never
hold the database itself; writes are Desk methods, which publish what they changed
(``smmdesk.core.events``).

    desk.read.load_catalog(panel.id)
    desk.read.query_orders(OrderQuery(panel="main"))
    desk.read.needs_attention(balance_days=3)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Concatenate, Generic, ParamSpec, TypeVar, cast

from sqlite_utils import Database

from smmdesk.core import attention, service_info
from smmdesk.core.importer import ledger
from smmdesk.core.store import (
    catalog,
    history,
    orders,
    panels,
    price_changes,
    refills,
    reports,
    sales,
)
from smmdesk.core.store import service_stats as stats

if TYPE_CHECKING:
    from smmdesk.core.exchange import Exchange
    from smmdesk.core.offers.compare import Compared, Comparison

P = ParamSpec("P")
R = TypeVar("R")


class _Bound(Generic[P, R]):
    """A read function ``f(db, ...)`` that the Reads object calls as ``read.f(...)``."""

    def __init__(self, function: Callable[Concatenate[Database, P], R]):
        self.function = function
        self.__doc__ = function.__doc__

    def __get__(self, reads: Reads | None, owner: type | None = None) -> Callable[P, R]:
        if reads is None:
            return cast("Callable[P, R]", self)
        return cast("Callable[P, R]", partial(self.function, reads.db))


class Reads:
    """The read side of one Desk's database (see the module's docstring)."""

    def __init__(self, db: Database):
        self.db = db

    def __repr__(self) -> str:
        return f"<Reads {self.file_name or 'memory'}>"

    @property
    def file_name(self) -> str:
        """The database's file ("" when it lives in memory): for a worker thread's own
        connection (WAL lets it read while the Desk writes)."""
        for _, name, file_name in self.db.execute("PRAGMA database_list"):
            if name == "main":
                return str(file_name or "")
        return ""

    # panels and catalogs
    list_panels = _Bound(panels.list_panels)
    get_panel = _Bound(panels.get_panel)
    load_catalog = _Bound(catalog.load_catalog)
    get_service = _Bound(catalog.get_service)
    catalog_age = _Bound(catalog.catalog_age)
    price_history = _Bound(catalog.price_history)
    price_moves = _Bound(price_changes.price_moves)
    median_completion = _Bound(service_info.median_completion)
    service_stats = _Bound(stats.service_stats)
    finished_services = _Bound(stats.finished_services)

    # orders and their history
    get_order = _Bound(orders.get_order)
    find_order = _Bound(orders.find_order)
    order_events = _Bound(orders.order_events)
    query_orders = _Bound(history.query_orders)
    count_orders = _Bound(history.count_orders)
    orders_by_ids = _Bound(history.orders_by_ids)
    order_ids = _Bound(history.order_ids)
    sort_key_of = _Bound(history.sort_key_of)
    refills_for = _Bound(refills.refills_for)
    list_refills = _Bound(refills.list_refills)

    # the business: sales, reports, what needs attention
    list_customers = _Bound(sales.list_customers)
    markup_rules = _Bound(sales.markup_rules)
    suggest_sale_price = _Bound(sales.suggest_sale_price)
    report = _Bound(reports.report)
    balance_history = _Bound(reports.balance_history)
    needs_attention = _Bound(attention.needs_attention)

    # imports
    list_imports = _Bound(ledger.list_imports)
    find_import = _Bound(ledger.find_import)
    stored_file = _Bound(ledger.stored_file)
    load_rows = _Bound(ledger.load_rows)

    # the same service on every panel (rapidfuzz: imported when first needed)
    def compare(self, text: str, exchange: Exchange | None = None) -> list[Comparison]:
        from smmdesk.core.offers.compare import compare

        return compare(self.db, text, exchange)

    def alternatives(
        self, panel_id: int, service_id: str, exchange: Exchange | None = None
    ) -> list[Compared]:
        from smmdesk.core.offers.compare import alternatives

        return alternatives(self.db, panel_id, service_id, exchange)
