"""The one way an order reaches a panel: prepare, the caller confirms it, record, send.

Every caller (the order form, ``smmdesk-cli order add``, the importer, the demo and the
self-test) goes through ``record`` and ``send``; ``send`` holds the one call of the panel's
``add`` in smmdesk:

    prepare(...)  ->  Prepared (checked against the order-type table, nothing recorded)
        the caller shows it and the user confirms exactly that
    record(db, prepared, ...)  ->  the order as "sending", committed before any request
    send(db, client, prepared, order)  ->  Sent: placed (remote id) | failed (the panel's
        reason) | unknown (the request may have reached the panel; never resent)

What is sent is what was prepared: nothing is looked up or checked again between the
confirmation and the request. A ``LedgerHook`` (the importer's row) is written in the same
transaction as the order at both ends, so the import's ledger and the orders never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from sqlite_utils import Database

from smmdesk.core import store
from smmdesk.core.api import PanelClient
from smmdesk.core.api.models import Service
from smmdesk.core.errors import (
    AddOutcomeUnknown,
    BadRequest,
    FieldProblem,
    RequestRefused,
    SmmdeskError,
    SubscriptionsRefused,
    ValidationError,
)
from smmdesk.core.i18n import _
from smmdesk.core.money import format_money
from smmdesk.core.ordertypes import (
    OrderDraft,
    prepare_order,
    refused_by_api,
    subscriptions_refusal,
)
from smmdesk.core.store import OrderState, sales


@dataclass(frozen=True)
class Prepared:
    """An order checked against the order-type table, not sent yet: what the user confirms."""

    panel: store.Panel
    service: Service
    draft: OrderDraft
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sent:
    """How one send ended. ``order`` is the order as recorded after the answer: placed,
    failed (``error`` is the panel's refusal) or unknown (``error`` says what broke)."""

    order: store.Order
    warnings: tuple[str, ...] = ()
    error: SmmdeskError | None = None

    @property
    def state(self) -> OrderState:
        return self.order.state

    @property
    def placed(self) -> bool:
        return self.order.state is OrderState.PLACED

    def raise_error(self) -> Sent:
        """For callers that don't look at the outcome: the panel's error, if it wasn't placed."""
        if self.error is not None:
            raise self.error
        return self


class LedgerHook(Protocol):
    """Something written with the order in the same transaction (an import's row)."""

    def recorded(self, db: Database, order: store.Order) -> None:
        """The order was just written as "sending"; raise to record nothing."""

    def settled(self, db: Database, order: store.Order, error: str | None) -> None:
        """The order was just settled (placed / failed / unknown)."""


def prepare(
    panel: store.Panel, service: Service, values: Mapping[str, str], *, today: date | None = None
) -> Prepared:
    """Check an order for ``panel`` (raises ValidationError with every problem) and say what
    to watch: the type's warnings, a cost over the balance.

    The one subscriptions rule: a subscription to a panel that creates them on its site only
    (it said so, or the user set it) is refused here, before anything is recorded or sent,
    for the form, the CLI and the importer alike (``refused_by_api``, the type table's rule)."""
    if refused_by_api(service, subscriptions_refused=panel.refuses_subscriptions):
        raise ValidationError([FieldProblem("", subscriptions_refused(panel.name))])
    draft = prepare_order(service, values, today=today, dialect=panel.dialect)
    return Prepared(panel, service, draft, _warnings(panel, draft))


def subscriptions_refused(panel_name: str) -> str:
    """Why a subscription is not sent to this panel, and how to try again."""
    # Translators: {panel} is a panel's name; the command after "run:" is typed as it is, and
    # "What it speaks…" and "Manage panels" are the window's names for a button and a dialog.
    message = _(
        "This panel does not create subscriptions through its API. Place the subscription "
        "on the panel's website, then track it in smmdesk by its order id. If {panel} takes "
        "subscriptions by API now, run: smmdesk-cli panel set {panel} subscriptions auto (or "
        'set it under "What it speaks…" in Manage panels).'
    )
    return message.format(panel=panel_name)


def _warnings(panel: store.Panel, draft: OrderDraft) -> tuple[str, ...]:
    warnings = list(draft.warnings)
    if panel.balance is not None and draft.expected_cost > panel.balance:
        cost, balance = (
            format_money(m, panel.currency) for m in (draft.expected_cost, panel.balance)
        )
        # Translators: {cost} and {balance} are amounts with their currency; {panel} a name.
        warning = _(
            "The expected cost {cost} is more than the last known balance {balance} of "
            "{panel}: the panel will likely refuse it. Add funds on the panel's site first."
        )
        warnings.append(warning.format(cost=cost, balance=balance, panel=panel.name))
    return tuple(warnings)


def record(
    db: Database,
    prepared: Prepared,
    *,
    owner: str | None,
    source: str = "form",
    reference: str | None = None,
    sale_price: Decimal | None = None,
    customer: str | None = None,
    hook: LedgerHook | None = None,
) -> store.Order:
    """Write the order down as "sending" (committed before any request goes out).

    ``owner``: the sending process's mark (smmdesk.core.store.liveness). ``customer``: the
    customer's name, kept as the order's reference and in the customers list (give it or a
    reference, not two different ones)."""
    if customer is not None and customer.strip():
        name = sales.check_customer(customer)
        if reference and reference.strip() != name:
            raise RequestRefused(
                _(
                    "Give a customer or a reference, not both: the customer is kept as the "
                    "reference."
                )
            )
        reference = name
    draft = prepared.draft
    with store.transaction(db):
        if customer is not None and customer.strip():
            sales.remember_customer(db, reference or "")
        order = store.record_sending(
            db,
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
            owner=owner,
        )
        if hook is not None:
            hook.recorded(db, order)
    return order


async def send(
    db: Database,
    client: PanelClient,
    prepared: Prepared,
    order: store.Order,
    *,
    hook: LedgerHook | None = None,
) -> Sent:
    """Send a recorded "sending" order once and settle it from the answer.

    The panel's refusal and an unknown outcome are outcomes (``Sent.error``), not raised.
    A cancel or a bug mid-request marks the order unknown (it may be there) and propagates."""
    panel, service = prepared.panel, prepared.service
    try:
        remote_id = await client.add(service.id, dict(order.params), request_id=order.request_id)
    except AddOutcomeUnknown as exc:
        return _settle(db, order, OrderState.UNKNOWN, exc.user_message, exc, prepared, hook)
    except SmmdeskError as exc:
        refused = subscriptions_refusal(service, exc) if isinstance(exc, BadRequest) else exc
        if isinstance(refused, SubscriptionsRefused):
            store.set_refuses_subscriptions(db, panel.id, True)
        return _settle(db, order, OrderState.FAILED, str(refused), refused, prepared, hook)
    except BaseException:  # canceled mid-request (window closed, Ctrl+C) or a bug: maybe sent
        stopped = _(store.STOPPED_WHILE_SENDING)
        _settle(db, order, OrderState.UNKNOWN, stopped, None, prepared, hook)
        raise
    try:
        return _settle(db, order, OrderState.PLACED, remote_id, None, prepared, hook)
    except ValidationError as exc:  # the panel's id is already another order here
        # Translators: {remote_id} is the panel's order id; {problem} why smmdesk can't keep it.
        why = _("The panel answered with order {remote_id}: {problem}").format(
            remote_id=remote_id, problem=exc
        )
        unknown = AddOutcomeUnknown(why)
        return _settle(db, order, OrderState.UNKNOWN, why, unknown, prepared, hook)


def _settle(
    db: Database,
    order: store.Order,
    state: OrderState,
    detail: str,
    error: SmmdeskError | None,
    prepared: Prepared,
    hook: LedgerHook | None,
) -> Sent:
    """Settle the order (and the hook's row) in one transaction. ``detail``: the remote id
    when placed, else the reason kept with the order."""
    with store.transaction(db):
        if state is OrderState.PLACED:
            settled = store.mark_placed(db, order.id, detail)
        elif state is OrderState.FAILED:
            settled = store.mark_failed(db, order.id, detail)
        else:
            settled = store.mark_unknown(db, order.id, detail)
        if hook is not None:
            hook.settled(db, settled, None if state is OrderState.PLACED else detail)
    return Sent(settled, prepared.warnings, error)
