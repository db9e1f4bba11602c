"""Rate changes worth telling the reseller: the last move of each service's price.

Every catalog refresh records rates that changed in ``service_prices``
(smmdesk.core.store.catalog); this reads, per service still listed, its last rate and the
one before, by default only for services the reseller has ordered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlite_utils import Database

from smmdesk.core.store.sql import parse_time


@dataclass(frozen=True)
class PriceMove:
    panel: str
    panel_id: int
    service_id: str
    name: str
    currency: str | None
    old_rate: Decimal
    new_rate: Decimal
    changed_at: datetime

    @property
    def change_percent(self) -> float:
        if not self.old_rate:
            return 0.0
        return float((self.new_rate - self.old_rate) / self.old_rate * 100)


def price_moves(
    db: Database, *, ordered_only: bool = True, panel_id: int | None = None
) -> list[PriceMove]:
    """The last rate change of each listed service (ordered ones only by default), newest
    first."""
    where = ["last.n = 1"]
    params: list[object] = []
    if ordered_only:
        where.append(
            "EXISTS (SELECT 1 FROM orders o WHERE o.panel_id = last.panel_id "
            "AND o.service_id = last.service_id)"
        )
    if panel_id is not None:
        where.append("last.panel_id = ?")
        params.append(panel_id)
    rows = db.execute(
        "WITH ranked AS (SELECT panel_id, service_id, rate, seen_at, row_number() OVER "
        "(PARTITION BY panel_id, service_id ORDER BY id DESC) AS n FROM service_prices) "
        "SELECT p.name, last.panel_id, last.service_id, s.name, p.currency, before.rate, "
        "last.rate, last.seen_at FROM ranked last "
        "JOIN ranked before ON before.panel_id = last.panel_id "
        "AND before.service_id = last.service_id AND before.n = 2 "
        "JOIN panels p ON p.id = last.panel_id "
        "JOIN services s ON s.panel_id = last.panel_id AND s.service_id = last.service_id "
        f"WHERE {' AND '.join(where)} ORDER BY last.seen_at DESC, p.name, last.service_id",
        params,
    )
    return [
        PriceMove(r[0], r[1], r[2], r[3], r[4], Decimal(r[5]), Decimal(r[6]), parse_time(r[7]))
        for r in rows
    ]
