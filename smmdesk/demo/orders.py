"""One order's life on the demo panel: its plan, its transitions, what `status` shows.

The plan (how long it stays Pending, how long delivery takes, how it ends) is drawn from
(seed, order id) alone, so a run is reproducible. A hint in the link forces the ending for
tests: "#partial", "#cancel", "#fail" (before delivery), "#error" (fails while In progress)
or "#complete". Between start and finish the delivered
count grows linearly with panel time, so `remains` falls while In progress.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from smmdesk import protocol as p

from .catalog import Service
from .dialects import Profile
from .money import rounded

LATE_FAILURE = "error"  # a plan outcome: In progress first, then Failed
HINTS = {
    "#partial": p.PARTIAL,
    "#cancel": p.CANCELED,
    "#fail": p.FAILED,
    "#error": LATE_FAILURE,
    "#complete": p.COMPLETED,
}


@dataclass(frozen=True)
class Plan:
    outcome: str  # COMPLETED, PARTIAL, CANCELED or FAILED (the last two: before any delivery)
    pending_minutes: float
    run_minutes: float
    start_count: int
    final_remains: int  # units left undelivered at the end of the delivery


def make_plan(
    seed: int, order_id: int, hint_text: str, total: int, min_minutes: float = 0.0, slack: int = 0
) -> Plan:
    """The deterministic plan of order ``order_id`` delivering ``total`` units."""
    rng = random.Random(f"{seed}:{order_id}")
    pending = rng.uniform(1.0, 3.0)
    run = max(min_minutes, rng.uniform(20.0, 360.0))
    start_count = rng.randint(100, 50_000)
    roll, share = rng.random(), rng.uniform(0.05, 0.5)
    outcome = _hinted(hint_text)
    if outcome is None:
        outcome = p.CANCELED if roll < 0.04 else p.PARTIAL if roll < 0.15 else p.COMPLETED
    if outcome == p.PARTIAL:
        final = min(total, max(1, int(total * share)))
    elif outcome == p.COMPLETED:
        final = int(slack * share * 2)  # Subscriptions deliver between posts x min and x max
    else:
        final = total
    return Plan(outcome, pending, run, start_count, final)


def _hinted(text: str) -> str | None:
    lowered = text.lower()
    return next((status for hint, status in HINTS.items() if hint in lowered), None)


@dataclass(eq=False)
class Order:
    id: int
    key: str = field(repr=False)  # the account's (repr=False: keys never show)
    service: Service
    fields: dict[str, str]
    link: str | None
    quantity: int
    total: int
    charge: Decimal
    created_at: float  # panel minutes
    plan: Plan
    status: str = p.PENDING
    start_count: int = 0
    remains: int = -1  # settled remains; while In progress see remains_at()
    refunded: Decimal = Decimal(0)
    started_at: float = 0.0
    finish_at: float = 0.0
    cancel_requested: bool = False
    runs: int = 1
    items: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.remains < 0:
            self.remains = self.total

    def remains_at(self, now: float) -> int:
        if self.status != p.IN_PROGRESS:
            return self.remains
        span = max(self.finish_at - self.started_at, 1e-9)
        progress = min(max((now - self.started_at) / span, 0.0), 1.0)
        return self.total - int((self.total - self.plan.final_remains) * progress)

    def charge_now(self) -> Decimal:
        return self.charge - self.refunded

    def start(self, at: float) -> Decimal:
        """Pending -> In progress (or straight to a Canceled/Failed plan). Returns the refund."""
        if self.plan.outcome in (p.CANCELED, p.FAILED):
            return self.settle(self.plan.outcome, self.total)
        self.status, self.start_count = p.IN_PROGRESS, self.plan.start_count
        self.started_at, self.finish_at = at, at + self.plan.run_minutes
        return Decimal(0)

    def finish(self) -> Decimal:
        if self.plan.outcome == LATE_FAILURE:
            return self.settle(p.FAILED, self.total)
        return self.settle(self.plan.outcome, self.plan.final_remains)

    def cancel(self, at: float) -> Decimal:
        return self.settle(p.CANCELED, self.remains_at(at))

    def settle(self, status: str, remains: int) -> Decimal:
        """Make the order final; the undelivered part is refunded pro rata. Returns it."""
        self.status, self.remains = status, remains
        full = remains == self.total
        self.refunded = self.charge if full else rounded(self.charge * remains / self.total)
        return self.refunded

    @property
    def final(self) -> bool:
        return p.is_final(self.status)

    def status_answer(self, now: float, currency: str, profile: Profile) -> dict[str, object]:
        """This order as action=status of a ``profile`` panel shows it (numbers as strings,
        like the reference)."""
        status = self.status
        if profile.failed_as_pending and status == p.FAILED:
            status = p.PENDING  # the panel's own "error" state, shown as Pending
        if profile.dripfeed_status_bare and self.runs > 1:
            return {"status": status, "runs": str(self.runs), "orders": []}
        remains = self.remains_at(now)
        if profile.pending_remains_zero and status == p.PENDING:
            remains = 0
        return {
            "charge": str(rounded(self.charge_now())),
            "start_count": str(self.start_count),
            "status": status,
            "remains": str(remains),
            "currency": currency,
        }

    def webhook_payload(self, now: float) -> dict[str, object]:
        return {
            "order_id": self.id,
            "status": self.status,
            "remains": self.remains_at(now),
            "start_count": self.start_count,
            "charge": rounded(self.charge_now()),
        }


@dataclass(eq=False)
class Refill:
    id: int
    order_id: int
    key: str = field(repr=False)
    created_at: float
    status: str = p.PENDING

    @property
    def active(self) -> bool:
        return self.status in (p.PENDING, p.IN_PROGRESS)
