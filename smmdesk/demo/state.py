"""Everything the demo panel knows: accounts, orders, refills, the clock and its schedule.

Pure (no I/O) and thread-safe: every public method takes one lock, first applies the
transitions that fell due on the panel clock, then does its work. Transitions wait in a heap
ordered by panel time, so progressing costs O(due events), not O(all orders). Status changes
of accounts with a webhook URL queue up in an outbox the server drains (`take_webhooks()`).
Refusals are raised as `ApiError` carrying the HTTP code and the panel's message.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import random
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Concatenate, ParamSpec, TypeVar

from smmdesk import protocol as p

from .catalog import SERVICES, Service
from .clock import PanelClock
from .dialects import PROFILES, REFERENCE, Profile
from .errors import (
    INCORRECT_ORDER,
    INCORRECT_REFILL,
    INCORRECT_SERVICE,
    INVALID_KEY,
    NOT_ENOUGH_FUNDS,
    ApiError,
    bad_request,
    not_found,
)
from .money import per_thousand, rounded
from .orders import Order, Refill, make_plan
from .validation import OrderRequest, validate_add

_P = ParamSpec("_P")
_R = TypeVar("_R")
FIRST_ORDER_ID = 23501
FIRST_REFILL_ID = 501


@dataclass
class Account:
    key: str = field(repr=False)
    balance: Decimal
    currency: str
    webhook: str | None = None
    disabled: bool = False


def _synced(
    method: Callable[Concatenate[PanelState, _P], _R],
) -> Callable[Concatenate[PanelState, _P], _R]:
    """Run ``method`` under the lock, after applying the transitions now due."""

    @functools.wraps(method)
    def wrapper(self: PanelState, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self._lock:
            self._process_due()
            return method(self, *args, **kwargs)

    return wrapper


class PanelState:
    def __init__(
        self,
        *,
        seed: int = 0,
        clock_speed: float = 60.0,
        key: str | None = None,
        timer: Callable[[], float] = time.monotonic,
        profile: Profile = PROFILES[REFERENCE],
        catalog: Iterable[Service] = SERVICES,
    ) -> None:
        self._lock = threading.RLock()
        self.profile = profile
        self._request_ids: dict[tuple[str, str], int] = {}
        self.services: dict[str, Service] = {service.id: service for service in catalog}
        self.seed = seed
        self.clock = PanelClock(clock_speed, timer)
        self.epoch = datetime.now(UTC)
        self._accounts: dict[str, Account] = {}
        self._orders: dict[int, Order] = {}
        self._refills: dict[int, Refill] = {}
        self._last_refill: dict[int, Refill] = {}  # order id -> its latest refill
        self._events: list[tuple[float, int, str, int]] = []  # (panel minute, seq, kind, id)
        self._seq = itertools.count()
        self._order_ids = itertools.count(FIRST_ORDER_ID)
        self._refill_ids = itertools.count(FIRST_REFILL_ID)
        self._outbox: list[tuple[str, dict[str, object]]] = []
        self.main_key = self.add_account(key, Decimal("1000.00"), "USD")

    # --- accounts ------------------------------------------------------------------------
    def add_account(
        self,
        key: str | None = None,
        balance: Decimal | int | str = Decimal(100),
        currency: str = "USD",
    ) -> str:
        with self._lock:
            key = key or secrets.token_hex(16)
            if key in self._accounts:
                raise ValueError("An account with this key already exists")
            self._accounts[key] = Account(key, Decimal(str(balance)), currency)
            return key

    def account(self, key: str | None) -> Account:
        """The account of ``key`` (None: the main one); ApiError 401 for a wrong key or a
        disabled account."""
        with self._lock:
            found = self._accounts.get(self.main_key if key is None else key)
            if found is None or found.disabled:
                raise ApiError(401, INVALID_KEY)
            return found

    def set_disabled(self, disabled: bool, key: str | None = None) -> None:
        """Disable (or enable again) an account's API access, as a panel's admin does."""
        with self._lock:
            found = self._accounts.get(self.main_key if key is None else key)
            if found is None:
                raise ValueError("No account with this key")
            found.disabled = disabled

    @_synced
    def balance(self, key: str | None = None) -> Decimal:
        return self.account(key).balance

    def set_balance(self, amount: Decimal | int | str, key: str | None = None) -> None:
        with self._lock:
            self.account(key).balance = Decimal(str(amount))

    def set_webhook(self, url: str | None, key: str | None = None) -> None:
        with self._lock:
            self.account(key).webhook = url

    # --- the clock -----------------------------------------------------------------------
    def advance(self, minutes: float) -> None:
        with self._lock:
            self.clock.advance(minutes)
            self._process_due()

    def set_clock_speed(self, speed: float) -> None:
        with self._lock:
            self._process_due()
            self.clock.speed = speed

    @_synced
    def take_webhooks(self) -> list[tuple[str, dict[str, object]]]:
        out, self._outbox = self._outbox, []
        return out

    # --- actions -------------------------------------------------------------------------
    @_synced
    def place(
        self,
        key: str | None,
        service_id: str,
        params: dict[str, str],
        *,
        accept_subscriptions: bool,
        require_request_id: bool = False,
    ) -> int:
        """Validate, charge and create an order; returns its id. With
        ``require_request_id``, an add must carry ``request_id``, and a request_id seen
        before gets the order it made then (nothing is charged again)."""
        account = self.account(key)
        request_id = params.get("request_id", "").strip()
        if require_request_id and not request_id:
            raise bad_request("request_id is required")
        if require_request_id and (account.key, request_id) in self._request_ids:
            return self._request_ids[(account.key, request_id)]
        if not service_id.strip():
            raise bad_request("Service ID is required")
        service = self.services.get(service_id.strip())
        if service is None:
            raise not_found(INCORRECT_SERVICE)
        fields = {k: v for k, v in params.items() if k != "request_id" or not require_request_id}
        request = validate_add(
            service, fields, accept_subscriptions=accept_subscriptions, profile=self.profile
        )
        if account.balance < request.charge:
            raise ApiError(402, NOT_ENOUGH_FUNDS)
        account.balance -= request.charge
        order_id = self._create(account.key, request).id
        if require_request_id:
            self._request_ids[(account.key, request_id)] = order_id
        return order_id

    @_synced
    def seed_orders(
        self, count: int, service_id: str, key: str | None, open_minutes: float
    ) -> list[int]:
        """``count`` orders already In progress for ``open_minutes``; the balance is untouched."""
        account, service = self.account(key), self.services[service_id]
        quantity = min(max(1000, service.min), service.max)
        charge = rounded(service.rate) if service.flat else per_thousand(service.rate, quantity)
        now, ids = self.clock.now(), []
        for n in range(count):
            link = f"https://example.com/seeded/{n}"
            fields = {"link": link, "quantity": str(quantity)}
            order = self._create(
                account.key,
                OrderRequest(service, fields, link, quantity, quantity, charge),
                schedule=False,
            )
            if order.plan.outcome in (p.CANCELED, p.FAILED):
                order.plan = replace(order.plan, outcome=p.COMPLETED, final_remains=0)
            order.plan = replace(order.plan, run_minutes=open_minutes)
            order.start(now)
            self._schedule(order.finish_at, "finish", order.id)
            ids.append(order.id)
        return ids

    @_synced
    def status(self, key: str | None, order_id: str) -> dict[str, object]:
        order = self._owned(key, order_id)
        return order.status_answer(self.clock.now(), self.account(key).currency, self.profile)

    @_synced
    def statuses(self, key: str | None, order_ids: Iterable[str]) -> dict[str, dict[str, object]]:
        answer: dict[str, dict[str, object]] = {}
        for order_id in order_ids:
            try:
                answer[order_id] = self.status(key, order_id)
            except ApiError as error:
                answer[order_id] = {"error": error.message}
        return answer

    @_synced
    def request_cancel(self, key: str | None, order_ids: Iterable[str]) -> list[ApiError | None]:
        """Ask to cancel each order: None when requested, else why not. A requested order
        becomes Canceled at the next progression step (the next request or tick)."""
        return [self._request_cancel(key, order_id) for order_id in order_ids]

    @_synced
    def refill(self, key: str | None, order_id: str) -> int:
        """Start a refill of a Completed or Partial order; returns the refill id."""
        order = self._owned(key, order_id)
        if not order.service.refill:
            raise bad_request("Refill is not available for this service")
        if order.status not in (p.COMPLETED, p.PARTIAL):
            raise bad_request("Refill is available only for Completed or Partial orders")
        last = self._last_refill.get(order.id)
        if last is not None and last.active:
            raise bad_request("A refill for this order is already in progress")
        refill = Refill(next(self._refill_ids), order.id, order.key, self.clock.now())
        self._refills[refill.id] = self._last_refill[order.id] = refill
        rng = random.Random(f"{self.seed}:refill:{refill.id}")
        self._schedule(refill.created_at + rng.uniform(1.0, 3.0), "refill_start", refill.id)
        return refill.id

    @_synced
    def refill_status(self, key: str | None, refill_id: str) -> str:
        account = self.account(key)
        refill = self._refills.get(int(refill_id)) if refill_id.strip().isdigit() else None
        if refill is None or refill.key != account.key:
            raise not_found(INCORRECT_REFILL)
        return refill.status

    # --- snapshots for tests and the console -----------------------------------------------
    @_synced
    def orders(self, key: str | None) -> list[dict[str, object]]:
        account = self.account(key)
        return [self._snapshot(o) for o in self._orders.values() if o.key == account.key]

    @_synced
    def order(self, order_id: str | int) -> dict[str, object]:
        text = str(order_id).strip()
        found = self._orders.get(int(text)) if text.isdigit() else None
        if found is None:
            raise KeyError(f"The demo panel has no order {order_id}")
        return self._snapshot(found)

    @_synced
    def refills(self, key: str | None) -> list[dict[str, object]]:
        account = self.account(key)
        return [
            {"id": str(r.id), "order": str(r.order_id), "status": r.status}
            for r in self._refills.values()
            if r.key == account.key
        ]

    # --- internals -----------------------------------------------------------------------
    def _request_cancel(self, key: str | None, order_id: str) -> ApiError | None:
        try:
            order = self._owned(key, order_id)
        except ApiError as error:
            return error
        if not order.service.cancel:
            return bad_request("Cancel is not available for this service")
        if order.final:
            return bad_request(f"This order is already {order.status} and can't be canceled")
        if order.cancel_requested:
            return bad_request("Cancel has already been requested for this order")
        order.cancel_requested = True
        self._schedule(self.clock.now(), "cancel", order.id)
        return None

    def _snapshot(self, order: Order) -> dict[str, object]:
        return {
            "id": str(order.id),
            "service": order.service.id,
            "type": order.service.type,
            "link": order.link,
            "quantity": order.quantity,
            "total": order.total,
            "fields": dict(order.fields),
            "charge": order.charge_now(),
            "refunded": order.refunded,
            "currency": self._accounts[order.key].currency,
            "status": order.status,
            "start_count": order.start_count,
            "remains": order.remains_at(self.clock.now()),
            "cancel_requested": order.cancel_requested,
            "runs": order.runs,
            "items": {name: list(items) for name, items in order.items.items()},
            "created_at": self.epoch + timedelta(minutes=order.created_at),
        }

    def _create(self, key: str, request: OrderRequest, *, schedule: bool = True) -> Order:
        order_id, now = next(self._order_ids), self.clock.now()
        hint_text = request.link or request.fields.get("username", "")
        plan = make_plan(
            self.seed,
            order_id,
            hint_text,
            request.total,
            request.min_minutes,
            request.slack,
        )
        order = Order(
            order_id,
            key,
            request.service,
            request.fields,
            request.link,
            request.quantity,
            request.total,
            request.charge,
            now,
            plan,
            runs=request.runs,
            items=dict(request.items or {}),
        )
        self._orders[order_id] = order
        if schedule:
            self._schedule(now + plan.pending_minutes, "start", order_id)
        return order

    def _owned(self, key: str | None, order_id: str) -> Order:
        account = self.account(key)
        text = order_id.strip()
        order = self._orders.get(int(text)) if text.isdigit() else None
        if order is None or order.key != account.key:
            raise not_found(INCORRECT_ORDER)
        return order

    def _schedule(self, at: float, kind: str, target: int) -> None:
        heapq.heappush(self._events, (at, next(self._seq), kind, target))

    def _process_due(self) -> None:
        now = self.clock.now()
        while self._events and self._events[0][0] <= now:
            at, _, kind, target = heapq.heappop(self._events)
            if kind.startswith("refill"):
                self._refill_step(kind, self._refills[target], at)
            else:
                self._order_step(kind, self._orders[target], at)

    def _order_step(self, kind: str, order: Order, at: float) -> None:
        if order.final:
            return  # a step planned before the order ended another way
        if kind == "start" and order.status == p.PENDING:
            refund = order.start(at)
            if not order.final:
                self._schedule(order.finish_at, "finish", order.id)
        elif kind == "finish" and order.status == p.IN_PROGRESS:
            refund = order.finish()
        elif kind == "cancel":
            refund = order.cancel(at)
        else:
            return
        account = self._accounts[order.key]
        account.balance += refund
        if account.webhook:
            self._outbox.append((account.webhook, order.webhook_payload(at)))

    def _refill_step(self, kind: str, refill: Refill, at: float) -> None:
        if kind == "refill_start":
            refill.status = p.IN_PROGRESS
            rng = random.Random(f"{self.seed}:refill-run:{refill.id}")
            self._schedule(at + rng.uniform(10.0, 60.0), "refill_done", refill.id)
        else:
            refill.status = p.COMPLETED
