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
from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import _, ngettext
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
    usual: dict[tuple[int, str], tuple[float, bool]] = {}  # (seconds, from your own orders)
    for ref in refs:
        figures = stats.get(ref)
        service = catalog.get(ref)
        if figures and figures.completed >= MIN_SAMPLES and figures.completed_median_s:
            usual[ref] = (figures.completed_median_s, True)
        elif service is not None and (claimed := average_time_s(service)):
            usual[ref] = (claimed, False)
    found = []
    for order_id, panel_id, panel, remote_id, service_id, created in rows:
        expected = usual.get((panel_id, service_id))
        if expected is None:
            continue
        age = (moment - parse_time(created)).total_seconds()
        if age <= SLOW_FACTOR * expected[0]:
            continue
        service = catalog.get((panel_id, service_id))
        can_cancel = service is not None and bool(service.cancel)
        action = Action.CANCEL if can_cancel else Action.ORDER_ELSEWHERE
        reason = _slow_reason(expected[1], can_cancel).format(
            id=order_id, age=_span(age), usual=_span(expected[0])
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
        if remains:
            text = ngettext(
                "Order #{id} came back partial ({count} missing); the service offers refill.",
                "Order #{id} came back partial ({count} missing); the service offers refill.",
                remains,
            )
            reason = text.format(id=order_id, count=format_integer(remains))
        else:
            reason = _("Order #{id} came back partial; the service offers refill.").format(
                id=order_id
            )
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
            # Translators: {panel} is the panel's name as the reseller gave it.
            _(
                "Order #{id} may or may not have reached {panel}: check the panel's order "
                "list, then enter its id or mark it as not placed."
            ).format(id=order_id, panel=panel),
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
        days = max(days_left, Decimal(0)).quantize(Decimal("0.1"))
        # Translators: {panel} is a panel's name, {balance} and {per_day} amounts with their
        # currency; {days} has one decimal ("2.5"), the plural form follows its whole part.
        # English says "days" for every figure with a decimal ("1.0 days"): both forms do.
        text = ngettext(
            "The balance of {panel} ({balance}) lasts about {days} days at your recent "
            "spending ({per_day} a day). Add funds.",
            "The balance of {panel} ({balance}) lasts about {days} days at your recent "
            "spending ({per_day} a day). Add funds.",
            int(days),
        )
        reason = text.format(
            panel=name,
            balance=format_money(balance, currency),
            days=f"{days:.1f}",  # not format_decimal: English keeps "2.0"
            per_day=format_money(per_day.quantize(Decimal("0.01")), currency),
        )
        found.append(Attention(AttentionKind.BALANCE, name, Action.ADD_FUNDS, reason))
    return found


def _slow_reason(own_orders: bool, can_cancel: bool) -> str:
    """The sentence for a slow order, with {id}, {age} and {usual} to fill."""
    # Translators: {age} and {usual} are spans of time ("3 h", "45 min", "2 days").
    if own_orders and can_cancel:
        return _(
            "Order #{id} has been open for {age}; your orders of it usually take {usual}. "
            "Cancel it and order it elsewhere, or ask the panel."
        )
    if own_orders:
        return _(
            "Order #{id} has been open for {age}; your orders of it usually take {usual}. "
            "Order it elsewhere, or ask the panel."
        )
    if can_cancel:
        return _(
            "Order #{id} has been open for {age}; the panel says it takes {usual}. "
            "Cancel it and order it elsewhere, or ask the panel."
        )
    return _(
        "Order #{id} has been open for {age}; the panel says it takes {usual}. "
        "Order it elsewhere, or ask the panel."
    )


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 120:
        count = max(minutes, 1)
        # Translators: a span of time in minutes, abbreviated.
        return ngettext("{count} min", "{count} min", count).format(count=count)
    hours = minutes // 60
    if hours < 48:
        # Translators: a span of time in hours, abbreviated.
        return ngettext("{count} h", "{count} h", hours).format(count=hours)
    days = hours // 24
    return ngettext("{count} day", "{count} days", days).format(count=days)
