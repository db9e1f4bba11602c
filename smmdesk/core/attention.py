"""Orders and panels that need the reseller: what is wrong, and what to do about it.

- slow: an open order older than SLOW_FACTOR x what the service usually takes (the median
  of the reseller's own completed orders, from MIN_SAMPLES of them; else the panel's
  catalog ``average_time``) -> cancel it (when the service allows) and order elsewhere;
- refillable: a Partial order of a service that offers refill, never refilled, still
  within the refill days its name promises -> refill;
- unknown: an order whose add may or may not have reached the panel -> check the panel;
- balance: a panel whose balance runs out within ``balance_days`` at the spend rate of the
  last SPEND_WINDOW -> add funds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlite_utils import Database

from smmdesk.core.api.models import Service
from smmdesk.core.money import format_money
from smmdesk.core.offers.names import read_name
from smmdesk.core.store.catalog import service_from_row
from smmdesk.core.store.orders import LOST_AFTER
from smmdesk.core.store.service_stats import average_time_s, service_stats
from smmdesk.core.store.sql import now, parse_time, time_text
from smmdesk.core.vocabulary import Action, AttentionKind, OrderState
from smmdesk.protocol import PARTIAL

__all__ = ["Action", "Attention", "AttentionKind", "needs_attention"]

SLOW_FACTOR = 2.0
MIN_SAMPLES = 3
SPEND_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Attention:
    kind: AttentionKind
    panel: str
    action: Action
    reason: str  # a sentence for the reseller
    order_id: int | None = None
    remote_id: str | None = None
    service_id: str | None = None


def needs_attention(
    db: Database, *, balance_days: int = 3, at: datetime | None = None
) -> list[Attention]:
    """Everything that needs the reseller now: balances first, then orders by number."""
    moment = at or now()
    catalog = _catalog(db)
    found = _balances(db, balance_days, moment)
    found += _slow(db, catalog, moment)
    found += _refillable(db, catalog, moment)
    found += _unknown(db)
    kinds = {AttentionKind.BALANCE: 0}
    return sorted(found, key=lambda a: (kinds.get(a.kind, 1), a.order_id or 0, a.kind))


def _catalog(db: Database) -> dict[tuple[int, str], Service]:
    rows = db.execute(
        "SELECT panel_id, service_id, name, type, type_name, category, rate, min, max, "
        "dripfeed, refill, cancel, extra FROM services"
    )
    return {(row[0], row[1]): service_from_row(row[1:]) for row in rows}


def _slow(
    db: Database, catalog: dict[tuple[int, str], Service], moment: datetime
) -> list[Attention]:
    rows = db.execute(
        "SELECT o.id, o.panel_id, p.name, o.remote_id, o.service_id, o.created_at "
        "FROM orders o JOIN panels p ON p.id = o.panel_id WHERE o.final = 0 "
        "AND o.state = ? AND o.not_found_count < ? ORDER BY o.id",
        (OrderState.PLACED, LOST_AFTER),
    ).fetchall()
    refs = {(r[1], r[4]) for r in rows if r[4] is not None}
    stats = service_stats(db, refs)
    usual: dict[tuple[int, str], tuple[float, str]] = {}
    for ref in refs:
        figures = stats.get(ref)
        service = catalog.get(ref)
        if figures and figures.completed >= MIN_SAMPLES and figures.completed_median_s:
            usual[ref] = (figures.completed_median_s, "your orders of it usually take")
        elif service is not None and (claimed := average_time_s(service)):
            usual[ref] = (claimed, "the panel says it takes")
    found = []
    for order_id, panel_id, panel, remote_id, service_id, created in rows:
        expected = usual.get((panel_id, service_id))
        if expected is None:
            continue
        age = (moment - parse_time(created)).total_seconds()
        if age <= SLOW_FACTOR * expected[0]:
            continue
        service = catalog.get((panel_id, service_id))
        can_cancel = service is not None and service.cancel
        action = Action.CANCEL if can_cancel else Action.ORDER_ELSEWHERE
        advice = "Cancel it and order it elsewhere" if can_cancel else "Order it elsewhere"
        reason = (
            f"Order #{order_id} has been open for {_span(age)}; {expected[1]} "
            f"{_span(expected[0])}. {advice}, or ask the panel."
        )
        found.append(
            Attention(AttentionKind.SLOW, panel, action, reason, order_id, remote_id, service_id)
        )
    return found


def _refillable(
    db: Database, catalog: dict[tuple[int, str], Service], moment: datetime
) -> list[Attention]:
    rows = db.execute(
        "SELECT o.id, o.panel_id, p.name, o.remote_id, o.service_id, o.created_at, o.remains "
        "FROM orders o JOIN panels p ON p.id = o.panel_id WHERE o.status = ? "
        "AND o.remote_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM refills r WHERE r.order_id = o.id) ORDER BY o.id",
        (PARTIAL,),
    )
    found = []
    for order_id, panel_id, panel, remote_id, service_id, created, remains in rows:
        service = catalog.get((panel_id, service_id))
        if service is None or not service.refill:
            continue
        days = read_name(service.name, service.category).refill_days
        if days and moment - parse_time(created) > timedelta(days=days):
            continue
        missing = f" ({remains:,} missing)" if remains else ""
        reason = f"Order #{order_id} came back partial{missing}; the service offers refill."
        found.append(
            Attention(
                AttentionKind.REFILLABLE,
                panel,
                Action.REFILL,
                reason,
                order_id,
                remote_id,
                service_id,
            )
        )
    return found


def _unknown(db: Database) -> list[Attention]:
    rows = db.execute(
        "SELECT o.id, p.name, o.service_id FROM orders o JOIN panels p ON p.id = o.panel_id "
        "WHERE o.state = ? ORDER BY o.id",
        (OrderState.UNKNOWN,),
    )
    return [
        Attention(
            AttentionKind.UNKNOWN,
            panel,
            Action.CHECK_PANEL,
            f"Order #{order_id} may or may not have reached {panel}: check the panel's order "
            "list, then enter its id or mark it as not placed.",
            order_id,
            service_id=service_id,
        )
        for order_id, panel, service_id in rows
    ]


def _balances(db: Database, balance_days: int, moment: datetime) -> list[Attention]:
    since = time_text(moment - SPEND_WINDOW)
    panels = db.execute("SELECT id, name, balance, currency FROM panels WHERE balance IS NOT NULL")
    found = []
    for panel_id, name, balance_text, currency in panels.fetchall():
        spent = sum(
            (
                Decimal(cost)
                for (cost,) in db.execute(
                    "SELECT coalesce(charge, expected_cost, '0') FROM orders WHERE panel_id = ? "
                    "AND state IN (?, ?) AND created_at >= ?",
                    (panel_id, OrderState.PLACED, OrderState.TRACKED, since),
                )
            ),
            Decimal(0),
        )
        per_day = spent / SPEND_WINDOW.days
        balance = Decimal(balance_text)
        if per_day <= 0:
            continue
        days_left = balance / per_day
        if days_left >= balance_days:
            continue
        reason = (
            f"The balance of {name} ({format_money(balance, currency)}) lasts about "
            f"{max(days_left, Decimal(0)):.1f} days at your recent spending "
            f"({format_money(per_day.quantize(Decimal('0.01')), currency)} a day). Add funds."
        )
        found.append(Attention(AttentionKind.BALANCE, name, Action.ADD_FUNDS, reason))
    return found


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 120:
        return f"{max(minutes, 1)} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 48 else f"{hours // 24} days"
