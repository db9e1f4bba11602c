"""What the reseller's own history says about a service: how fast, how often partial.

Counted over orders smmdesk placed (not ones adopted by id: their start is unknown) whose
status is final. Time to complete: from the order's creation to the first status event
that said Completed. ``average_time_s`` reads the panel's own claim (catalog
``average_time``, kept in ``services.extra``) for services without a history.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from smmdesk.core.api.models import Service
from smmdesk.core.store.groups import ServiceRef
from smmdesk.core.store.sql import parse_time
from smmdesk.core.vocabulary import OrderState
from smmdesk.protocol import CANCELED, COMPLETED, PARTIAL

MAX_SAMPLES = 200  # completion times read per service: the latest ones


@dataclass(frozen=True)
class ServiceStats:
    finished: int = 0  # final orders
    completed: int = 0
    partial: int = 0
    canceled: int = 0
    completed_median_s: float | None = None  # median seconds to complete

    @property
    def partial_rate(self) -> float | None:
        return self.partial / self.finished if self.finished else None

    @property
    def cancel_rate(self) -> float | None:
        return self.canceled / self.finished if self.finished else None


def service_stats(db: Database, refs: Iterable[ServiceRef]) -> dict[ServiceRef, ServiceStats]:
    """History figures of each (panel id, service id); services never ordered are left out."""
    found: dict[ServiceRef, ServiceStats] = {}
    for panel_id, service_id in dict.fromkeys(refs):
        counts = dict(
            db.execute(
                "SELECT status, count(*) FROM orders WHERE panel_id = ? AND service_id = ? "
                "AND final = 1 AND state = ? GROUP BY status",
                (panel_id, service_id, OrderState.PLACED),
            ).fetchall()
        )
        if not counts:
            continue
        found[(panel_id, service_id)] = ServiceStats(
            finished=sum(counts.values()),
            completed=counts.get(COMPLETED, 0),
            partial=counts.get(PARTIAL, 0),
            canceled=counts.get(CANCELED, 0),
            completed_median_s=_median_seconds(db, panel_id, service_id),
        )
    return found


def _median_seconds(db: Database, panel_id: int, service_id: str) -> float | None:
    rows = db.execute(
        "SELECT o.created_at, (SELECT min(e.at) FROM order_events e WHERE e.order_id = o.id "
        "AND e.status = ?) FROM orders o WHERE o.panel_id = ? AND o.service_id = ? "
        "AND o.final = 1 AND o.state = ? AND o.status = ? ORDER BY o.id DESC LIMIT ?",
        (COMPLETED, panel_id, service_id, OrderState.PLACED, COMPLETED, MAX_SAMPLES),
    )
    seconds = [
        (parse_time(done) - parse_time(created)).total_seconds()
        for created, done in rows
        if done is not None
    ]
    return statistics.median(seconds) if seconds else None


_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
_PART_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hour|d|day)", re.IGNORECASE)


def average_time_s(service: Service) -> float | None:
    """The panel's ``average_time`` in seconds: a bare number is minutes (as panels send
    it), text like "2 hours 15 minutes" is read; None when absent or unreadable."""
    raw = service.extra.get("average_time")
    if raw is None or isinstance(raw, bool):
        return None
    text = str(raw).strip().lower()
    try:
        minutes = float(text)
    except ValueError:
        parts = _PART_RE.findall(text.replace("minute", "min").replace("second", "sec"))
        total = sum(float(n) * _UNITS[unit] for n, unit in parts)
        return total or None
    return minutes * 60 if minutes > 0 else None


def finished_services(db: Database) -> list[tuple[int, str, str, str | None]]:
    """(panel id, service id, panel name, service name) of every service with a final order."""
    rows = db.execute(
        "SELECT DISTINCT o.panel_id, o.service_id, p.name, o.service_name FROM orders o "
        "JOIN panels p ON p.id = o.panel_id WHERE o.service_id IS NOT NULL AND o.final = 1"
    ).fetchall()
    return [(r[0], r[1], r[2], r[3]) for r in rows]
