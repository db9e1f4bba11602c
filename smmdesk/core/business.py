"""The reseller's own business data, written through the Desk (``desk.business``): sale
prices and customers of orders, markup rules, and the choices of which services are the
same across panels. Each write publishes what it changed on the Desk's hub.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sqlite_utils import Database

from smmdesk.core.events import Changed, Hub
from smmdesk.core.store import Order, groups, sales
from smmdesk.core.store.groups import ServiceRef


class BusinessOps:
    """Writes of business data over one database; ``hub`` hears each one."""

    def __init__(self, db: Database, hub: Hub):
        self._db, self._hub = db, hub

    def set_sale(
        self,
        order_id: int,
        *,
        sale_price: Decimal | None = None,
        customer: str | None = None,
        clear_price: bool = False,
    ) -> Order:
        """Change an order's sale price and/or customer (an event records it)."""
        order = sales.set_sale(
            self._db, order_id, sale_price=sale_price, customer=customer, clear_price=clear_price
        )
        self._hub.publish(Changed(orders_changed=(order.id,), business=True))
        return order

    def add_markup(
        self,
        kind: str,
        value: object,
        *,
        panel_id: int | None = None,
        category: str | None = None,
        service_id: str | None = None,
    ) -> sales.MarkupRule:
        rule = sales.add_markup(
            self._db, kind, value, panel_id=panel_id, category=category, service_id=service_id
        )
        self._published(True)
        return rule

    def remove_markup(self, rule_id: int) -> bool:
        return self._published(sales.remove_markup(self._db, rule_id))

    def keep_together(self, services: Iterable[ServiceRef]) -> str:
        """These services are one group from now on; returns the group's key."""
        key = groups.keep_together(self._db, services)
        self._published(True)
        return key

    def set_alone(self, panel_id: int, service_id: str) -> None:
        groups.set_alone(self._db, panel_id, service_id)
        self._published(True)

    def forget_choice(self, panel_id: int, service_id: str) -> bool:
        return self._published(groups.forget_choice(self._db, panel_id, service_id))

    def _published(self, changed: bool) -> bool:
        if changed:
            self._hub.publish(Changed(business=True))
        return changed
