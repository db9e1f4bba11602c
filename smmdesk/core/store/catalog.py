"""Each panel's service catalog: the current snapshot, and every price it ever had.

``save_catalog`` replaces a panel's snapshot with a fresh ``services`` answer and returns
what changed (services added, removed, and rates old -> new). Every rate change is kept in
``service_prices``, the first sighting of a service too, so ``price_history`` can show how a
price moved. Removed services leave the snapshot; their price history stays.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlite_utils import Database

from smmdesk.core.api.models import Service
from smmdesk.core.errors import NotFoundLocally
from smmdesk.core.i18n import _
from smmdesk.core.store.panels import get_panel_by_id
from smmdesk.core.store.sql import money_text, now, parse_time, time_text, transaction


@dataclass(frozen=True)
class PriceChange:
    service_id: str
    name: str
    old_rate: Decimal
    new_rate: Decimal


@dataclass(frozen=True)
class CatalogChanges:
    """What a catalog refresh changed. ``first``: the panel had no saved catalog before
    (then every service is in ``added``)."""

    added: tuple[Service, ...] = ()
    removed: tuple[Service, ...] = ()
    price_changes: tuple[PriceChange, ...] = ()
    first: bool = False

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.price_changes)


@dataclass(frozen=True)
class PricePoint:
    rate: Decimal
    seen_at: datetime


def save_catalog(
    db: Database, panel_id: int, services: list[Service], fetched_at: datetime | None = None
) -> CatalogChanges:
    """Make ``services`` the panel's catalog (fetched at ``fetched_at``, default now).

    A service id listed twice keeps its last entry.
    """
    fresh = {str(service.id): service for service in services}
    at = time_text(fetched_at or now())
    with transaction(db):
        panel = get_panel_by_id(db, panel_id)
        old = {service.id: service for service in load_catalog(db, panel_id)}
        last_rates = _last_rates(db, panel_id)
        db.execute("DELETE FROM services WHERE panel_id = ?", (panel_id,))
        db.conn.executemany(
            _INSERT_SERVICE, [_service_row(panel_id, sid, s, at) for sid, s in fresh.items()]
        )
        db.conn.executemany(
            "INSERT INTO service_prices (panel_id, service_id, rate, seen_at) VALUES (?, ?, ?, ?)",
            [
                (panel_id, sid, money_text(s.rate), at)
                for sid, s in fresh.items()
                if last_rates.get(sid) != s.rate
            ],
        )
        db.execute("UPDATE panels SET catalog_fetched_at = ? WHERE id = ?", (at, panel_id))
    return CatalogChanges(
        added=tuple(s for sid, s in fresh.items() if sid not in old),
        removed=tuple(s for sid, s in old.items() if sid not in fresh),
        price_changes=tuple(
            PriceChange(sid, s.name, old[sid].rate, s.rate)
            for sid, s in fresh.items()
            if sid in old and old[sid].rate != s.rate
        ),
        first=panel.catalog_fetched_at is None,
    )


def load_catalog(db: Database, panel_id: int) -> list[Service]:
    """The panel's saved catalog, by service id (numeric ids in number order)."""
    rows = db.execute(
        f"{_SELECT} WHERE panel_id = ? ORDER BY CAST(service_id AS INTEGER), service_id",
        (panel_id,),
    )
    return [service_from_row(row) for row in rows]


def get_service(db: Database, panel_id: int, service_id: str) -> Service:
    """One service of the saved catalog; NotFoundLocally (with what to do) if absent."""
    row = db.execute(
        f"{_SELECT} WHERE panel_id = ? AND service_id = ?", (panel_id, str(service_id))
    ).fetchone()
    if row is None:
        panel = get_panel_by_id(db, panel_id)
        raise NotFoundLocally(
            _(
                'The saved catalog of the panel "{panel}" has no service {service}. '
                "Refresh the catalog and check the service id."
            ).format(panel=panel.name, service=service_id)
        )
    return service_from_row(row)


def catalog_age(db: Database, panel_id: int, at: datetime | None = None) -> timedelta | None:
    """How old the saved catalog is (at ``at``, default now); None if never fetched."""
    fetched = get_panel_by_id(db, panel_id).catalog_fetched_at
    return None if fetched is None else (at or now()) - fetched


def price_history(db: Database, panel_id: int, service_id: str) -> list[PricePoint]:
    """Every rate the service had, oldest first (one point per change)."""
    rows = db.execute(
        "SELECT rate, seen_at FROM service_prices WHERE panel_id = ? AND service_id = ? "
        "ORDER BY id",
        (panel_id, str(service_id)),
    )
    return [PricePoint(Decimal(rate), parse_time(seen_at)) for rate, seen_at in rows]


# --- helpers -----------------------------------------------------------------------------

_FIELDS = (
    "service_id, name, type, type_name, category, rate, min, max, dripfeed, refill, cancel, extra"
)
_SELECT = f"SELECT {_FIELDS} FROM services"
_INSERT_SERVICE = (
    f"INSERT INTO services (panel_id, {_FIELDS}, fetched_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _service_row(panel_id: int, service_id: str, s: Service, at: str) -> tuple[Any, ...]:
    return (
        panel_id,
        service_id,
        s.name,
        s.type,
        s.type_name,
        s.category,
        money_text(s.rate),
        s.min,
        s.max,
        _flag(s.dripfeed),
        _flag(s.refill),
        _flag(s.cancel),
        json.dumps(s.extra, default=str, ensure_ascii=False),
        at,
    )


def service_from_row(row: tuple[Any, ...]) -> Service:
    """A Service from a row selected as service_id, name, type ... extra (see _FIELDS)."""
    return Service(
        id=row[0],
        name=row[1],
        type=row[2],
        type_name=row[3],
        category=row[4],
        rate=Decimal(row[5]),
        min=row[6],
        max=row[7],
        dripfeed=None if row[8] is None else bool(row[8]),
        refill=None if row[9] is None else bool(row[9]),
        cancel=None if row[10] is None else bool(row[10]),
        extra={} if row[11] == "{}" else json.loads(row[11]),
    )


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _last_rates(db: Database, panel_id: int) -> dict[str, Decimal]:
    """The last rate recorded for every service the panel ever listed."""
    rows = db.execute(
        "SELECT service_id, rate FROM service_prices WHERE id IN "
        "(SELECT max(id) FROM service_prices WHERE panel_id = ? GROUP BY service_id)",
        (panel_id,),
    )
    return {service_id: Decimal(rate) for service_id, rate in rows}
