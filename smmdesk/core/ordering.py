"""Placing, tracking, canceling and refilling orders: the ledger around each panel call.

``place_order`` is the exactly-once path every caller (form, CLI, importer) goes through:

    validate (order-type table)  ->  record "sending" (committed)  ->  add
        -> "placed" with the remote id | "failed" with the panel's reason
        | "unknown" when the connection broke mid-request (never resent)

Nothing is recorded when validation fails; something is always recorded once a request
may have left.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from smmdesk.core import store
from smmdesk.core.api.models import ItemError, Service
from smmdesk.core.errors import (
    AddOutcomeUnknown,
    BadRequest,
    ConfigError,
    SmmdeskError,
    SubscriptionsRefused,
)
from smmdesk.core.money import format_money
from smmdesk.core.ordertypes import (
    OrderDraft,
    prepare_order,
    refused_by_api,
    subscriptions_refusal,
)
from smmdesk.core.store import sales
from smmdesk.protocol import MULTI_STATUS_MAX

if TYPE_CHECKING:
    from smmdesk.core.desk import Desk


@dataclass(frozen=True)
class Prepared:
    """An order checked against the order-type table, not sent yet."""

    panel: store.Panel
    service: Service
    draft: OrderDraft
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Placed:
    order: store.Order
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Tracked:
    orders: list[store.Order]
    errors: dict[str, str]  # remote id -> why it was not tracked


@dataclass(frozen=True)
class Outcome:
    """The panel's answer for one order of a cancel or refill request."""

    remote_id: str
    ok: bool  # cancel requested / refill accepted
    message: str  # what to tell the user
    order_id: int | None = None  # local id, when smmdesk knows the order
    refill_id: str | None = None


async def prepare(
    desk: Desk, panel_name: str, service_id: str, values: Mapping[str, str]
) -> Prepared:
    """Validate an order (raises ValidationError with every problem) and say what to watch."""
    panel = desk.panel(panel_name)
    service = await desk.service(panel.name, service_id)
    draft = prepare_order(service, values, dialect=panel.dialect)
    warnings = list(draft.warnings)
    if refused_by_api(service, subscriptions_refused=panel.refuses_subscriptions):
        warnings.append(SubscriptionsRefused.default_message)
    if panel.balance is not None and draft.expected_cost > panel.balance:
        cost, balance = (
            format_money(m, panel.currency) for m in (draft.expected_cost, panel.balance)
        )
        warnings.append(
            f"The expected cost {cost} is more than the last known balance {balance} of "
            f"{panel.name}."
        )
    return Prepared(panel, service, draft, warnings)


async def place_order(
    desk: Desk,
    panel_name: str,
    service_id: str,
    values: Mapping[str, str],
    *,
    reference: str | None = None,
    source: str = "form",
    sale_price: Decimal | None = None,
    customer: str | None = None,
) -> Placed:
    """Validate, record, send. Raises the panel's error (after recording it) on failure."""
    prepared = await prepare(desk, panel_name, service_id, values)
    order = record(
        desk,
        prepared,
        reference=reference,
        source=source,
        sale_price=sale_price,
        customer=customer,
    )
    order = await send(desk, prepared.panel, prepared.service, order)
    return Placed(order, prepared.warnings)


def record(
    desk: Desk,
    prepared: Prepared,
    *,
    reference: str | None = None,
    source: str = "form",
    sale_price: Decimal | None = None,
    customer: str | None = None,
) -> store.Order:
    """Write the order down as "sending" (committed before any request goes out).

    ``customer``: the customer's name, kept as the order's reference and in the customers
    list (give it or a reference, not two different ones)."""
    draft = prepared.draft
    if customer is not None and customer.strip():
        name = sales.check_customer(customer)
        if reference and reference.strip() != name:
            raise ConfigError(
                "Give a customer or a reference, not both: the customer is kept as the reference."
            )
        reference = name
    with store.transaction(desk.db):
        if customer is not None and customer.strip():
            sales.remember_customer(desk.db, reference or "")
        return store.record_sending(
            desk.db,
            prepared.panel.id,
            prepared.service,
            draft.params,
            quantity=draft.quantity,
            expected_cost=draft.expected_cost,
            currency=prepared.panel.currency,
            source=source,
            reference=reference or None,
            link=draft.link,
            sale_price=sale_price,
            owner=desk.mark.token,
        )


async def send(desk: Desk, panel: store.Panel, service: Service, order: store.Order) -> store.Order:
    """Send a recorded "sending" order once; settle its state from the answer."""
    try:
        client = desk.client(panel)
        remote_id = await client.add(service.id, dict(order.params), request_id=order.request_id)
    except AddOutcomeUnknown as exc:
        store.mark_unknown(desk.db, order.id, exc.user_message)
        raise
    except BadRequest as exc:
        refused = subscriptions_refusal(service, exc)
        store.mark_failed(desk.db, order.id, str(refused))
        if isinstance(refused, SubscriptionsRefused):
            store.set_refuses_subscriptions(desk.db, panel.id, True)
        if refused is exc:
            raise
        raise refused from None
    except SmmdeskError as exc:
        store.mark_failed(desk.db, order.id, str(exc))
        raise
    except BaseException:  # canceled mid-request (window closed, Ctrl+C) or a bug: maybe sent
        store.mark_unknown(desk.db, order.id, store.STOPPED_WHILE_SENDING)
        raise
    return store.mark_placed(desk.db, order.id, remote_id)


async def track_orders(
    desk: Desk, panel_name: str, remote_ids: Iterable[str], *, reference: str | None = None
) -> Tracked:
    """Adopt orders placed elsewhere (the panel's site, another tool) by their ids."""
    panel = desk.panel(panel_name)
    ids = _clean_ids(remote_ids)
    answers = await desk.client(panel).multi_status(ids)
    tracked, errors = [], {}
    for remote_id in ids:
        answer = answers.get(remote_id)
        if answer is None or isinstance(answer, ItemError):
            reason = answer.message if answer else "no answer"
            errors[remote_id] = f"{panel.name} has no order {remote_id} ({reason})."
            continue
        tracked.append(
            store.track(desk.db, panel.id, remote_id, status=answer, reference=reference)
        )
    return Tracked(tracked, errors)


async def cancel_orders(desk: Desk, panel_name: str, remote_ids: Iterable[str]) -> list[Outcome]:
    """Ask the panel to cancel; a success means *requested*, the refresh tells the rest."""
    panel = desk.panel(panel_name)
    client = desk.client(panel)

    async def batch(ids: list[str]) -> list[Outcome]:
        results = await client.cancel(ids)
        store.record_cancel_requests(desk.db, panel.id, results)
        outcomes = []
        for result in results:
            local = store.find_order(desk.db, panel.id, result.order_id)
            message = "cancel requested" if result.ok else (result.error or "refused")
            outcomes.append(
                Outcome(result.order_id, result.ok, message, local.id if local else None)
            )
        return outcomes

    return await _in_batches(_clean_ids(remote_ids), batch)


async def refill_orders(desk: Desk, panel_name: str, remote_ids: Iterable[str]) -> list[Outcome]:
    """Ask the panel to refill; accepted refills are followed by ``refills`` refreshes."""
    panel = desk.panel(panel_name)
    client = desk.client(panel)

    async def batch(ids: list[str]) -> list[Outcome]:
        outcomes = []
        for result in await client.refill_many(ids):
            local = store.find_order(desk.db, panel.id, result.order_id)
            if local is not None:
                store.add_refill(desk.db, local.id, result.refill_id, error=result.error)
            ok = result.refill_id is not None
            message = f"refill {result.refill_id} accepted" if ok else (result.error or "refused")
            outcomes.append(
                Outcome(result.order_id, ok, message, local.id if local else None, result.refill_id)
            )
        return outcomes

    return await _in_batches(_clean_ids(remote_ids), batch)


async def _in_batches(
    ids: list[str], batch: Callable[[list[str]], Awaitable[list[Outcome]]]
) -> list[Outcome]:
    """Send ``ids`` one panel batch (MULTI_STATUS_MAX) at a time, each batch recorded as soon
    as it is answered. When a later batch fails, what the earlier ones did is kept and
    returned, and the orders not answered get the error as their outcome; when the first
    fails, nothing happened and the error is raised."""
    outcomes: list[Outcome] = []
    for start in range(0, len(ids), MULTI_STATUS_MAX):
        chunk = ids[start : start + MULTI_STATUS_MAX]
        try:
            outcomes += await batch(chunk)
        except SmmdeskError as exc:
            if not outcomes:
                raise
            outcomes += [Outcome(remote_id, False, str(exc)) for remote_id in ids[start:]]
            break
    return outcomes


def _clean_ids(remote_ids: Iterable[str]) -> list[str]:
    ids = list(dict.fromkeys(str(i).strip() for i in remote_ids if str(i).strip()))
    if not ids:
        raise ConfigError("Give at least one order id.")
    return ids
