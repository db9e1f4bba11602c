"""Orders: the exactly-once ledger of what smmdesk sent, and orders adopted from elsewhere.

An order's ``state`` says how far its submission got:

    sending  --request answered-->  placed (has remote_id)
       |                  \\------> failed (the panel said no; nothing was placed)
       \\--connection broke--> unknown --user checked the panel--> placed | failed
    tracked: placed elsewhere (the panel's site, another tool) and adopted by its remote id

``record_sending`` is committed BEFORE the request goes out, so a crash at any moment leaves
a row that says "this may have been sent": nothing is ever resent blindly. ``status`` is the
canonical panel status (smmdesk.protocol), kept up to date by smmdesk.core.store.statuses.

Every change worth reading later is an ``order_events`` row: "what happened to order X?".
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlite_utils import Database

from smmdesk.core.api.models import Service
from smmdesk.core.errors import FieldProblem, NotFoundLocally, ValidationError
from smmdesk.core.i18n import N_, _
from smmdesk.core.store.panels import get_panel_by_id
from smmdesk.core.store.sql import (
    money_text,
    now,
    parse_money,
    parse_time,
    time_text,
    transaction,
)
from smmdesk.core.vocabulary import OrderState
from smmdesk.protocol import PENDING

# States whose outcome smmdesk does not know yet: the answer (or the user) may settle them.
_UNSETTLED = (OrderState.SENDING, OrderState.UNKNOWN)

# After this many "Incorrect order ID" answers in a row an order is *lost*: kept with its
# last known status, shown as lost, no longer refreshed (any good answer revives it).
LOST_AFTER = 3
# A "sending" row older than this belongs to a process that died mid-request.
STALE_SENDING = timedelta(minutes=10)
# Why an order whose add was cut short (a dead process, a cancel mid-request) is unknown.
# Marked; translated where it is written (``_(STOPPED_WHILE_SENDING)``).
STOPPED_WHILE_SENDING = N_(
    "smmdesk stopped while this order was being sent, so it may or may not have been placed. "
    "Check the panel's order list."
)


@dataclass(frozen=True)
class Order:
    id: int  # local id, shown as #id
    panel_id: int
    panel_name: str
    remote_id: str | None  # the panel's order id, once known
    service_id: str | None
    service_name: str | None
    service_type: str | None  # canonical type name, or the panel's text for unknown types
    params: Mapping[str, str] = field(hash=False)  # every add field as sent
    link: str | None
    quantity: int | None
    expected_cost: Decimal | None  # what smmdesk computed before sending
    charge: Decimal | None  # what the panel charged (status answers)
    currency: str | None
    status: str | None  # canonical; None until known
    raw_status: str | None
    start_count: int | None
    remains: int | None
    state: OrderState
    error: str | None  # why it failed / is unknown / the last per-order error answer
    source: str  # "form", "cli", "import", "track", ...
    reference: str | None  # the reseller's note: customer, shop order number ...
    created_at: datetime
    updated_at: datetime
    checked_at: datetime | None  # last status answer about it
    not_found_count: int
    final: bool  # the status is final: no longer refreshed
    request_id: str | None = None  # this order's client id for panels that take request_id
    sale_price: Decimal | None = None  # what the reseller's customer pays for it

    @property
    def lost(self) -> bool:
        """The panel said "Incorrect order ID" LOST_AFTER times in a row."""
        return self.not_found_count >= LOST_AFTER


@dataclass(frozen=True)
class OrderEvent:
    id: int
    order_id: int
    at: datetime
    status: str | None
    raw_status: str | None
    start_count: int | None
    remains: int | None
    charge: Decimal | None
    source: str  # "add", "refresh", "webhook", "cancel", "refill", "track"
    note: str | None


# --- the ledger --------------------------------------------------------------------------


def record_sending(
    db: Database,
    panel_id: int,
    service: Service,
    params: Mapping[str, str],
    *,
    quantity: int | None = None,
    expected_cost: Decimal | None = None,
    currency: str | None = None,
    source: str = "form",
    reference: str | None = None,
    link: str | None = None,
    sale_price: Decimal | None = None,
    at: datetime | None = None,
    owner: str | None = None,
) -> Order:
    """Write down an order about to be sent (state "sending"); commit before sending it.

    ``owner``: the mark of the process that sends it (smmdesk.core.store.liveness), so
    another process can tell at once when it died mid-request.

    ``params``: the add fields exactly as they will be sent. ``quantity`` defaults to the
    ``quantity`` field (pass it for types that derive it, e.g. custom comments); ``link``
    to the ``link`` field (pass it for types whose target is another field, e.g. username).
    """
    stamp = time_text(at or now())
    if quantity is None:
        quantity = _int_or_none(params.get("quantity"))
    with transaction(db):
        get_panel_by_id(db, panel_id)
        cursor = db.execute(
            "INSERT INTO orders (panel_id, service_id, service_name, service_type, params, "
            "link, quantity, expected_cost, currency, state, source, reference, created_at, "
            "updated_at, request_id, sending_owner, sale_price) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                panel_id,
                str(service.id),
                service.name,
                service.type_name or service.type,
                json.dumps(dict(params), ensure_ascii=False),
                link or params.get("link"),
                quantity,
                money_text(expected_cost),
                currency,
                OrderState.SENDING,
                source,
                reference,
                stamp,
                stamp,
                uuid.uuid4().hex,
                owner,
                money_text(sale_price),
            ),
        )
        return get_order(db, cursor.lastrowid or 0)


def mark_placed(db: Database, order_id: int, remote_id: str) -> Order:
    """The panel answered with ``remote_id``: the order exists there (status Pending)."""
    with transaction(db):
        order = _in_state(db, order_id, _UNSETTLED, _CANNOT_PLACE)
        _set_remote_id(db, order, str(remote_id), OrderState.PLACED, "add")
        return get_order(db, order_id)


def mark_failed(db: Database, order_id: int, error: str) -> Order:
    """The panel refused the order: nothing was placed."""
    with transaction(db):
        _in_state(db, order_id, _UNSETTLED, _CANNOT_FAIL)
        _set_state(db, order_id, OrderState.FAILED, error)
        # Translators: a note in an order's history; {error} is why (often the panel's words).
        add_event(db, order_id, "add", note=_("Not placed: {error}").format(error=error))
        return get_order(db, order_id)


def mark_unknown(db: Database, order_id: int, error: str) -> Order:
    """The connection broke mid-request: the panel may or may not have the order."""
    with transaction(db):
        _in_state(db, order_id, _UNSETTLED, _CANNOT_UNKNOWN)
        _set_state(db, order_id, OrderState.UNKNOWN, error)
        add_event(db, order_id, "add", note=_outcome_unknown(error))
        return get_order(db, order_id)


def resolve_unknown(db: Database, order_id: int, remote_id: str | None) -> Order:
    """The user checked the panel: it has the order as ``remote_id``, or (None) it has not."""
    with transaction(db):
        order = _in_state(db, order_id, (OrderState.UNKNOWN,), _CANNOT_RESOLVE)
        if remote_id is None:
            not_there = _("Not on the panel (checked by the user).")
            _set_state(db, order_id, OrderState.FAILED, not_there)
            add_event(db, order_id, "add", note=_("Checked by the user: not on the panel."))
        else:
            _set_remote_id(
                db, order, str(remote_id).strip(), OrderState.PLACED, "add", by_user=True
            )
        return get_order(db, order_id)


def expire_sending(
    db: Database,
    older_than: timedelta = STALE_SENDING,
    at: datetime | None = None,
    *,
    alive: Callable[[str], bool] | None = None,
) -> list[Order]:
    """Mark unknown the "sending" rows whose process died; return them.

    With ``alive`` (owner mark -> still running?), a row whose owner is gone is unknown at
    once; a row with no owner (made before marks existed) after ``older_than``. Those orders
    may have reached the panel and are never resent blindly.
    """
    cutoff = time_text((at or now()) - older_than)
    error = _(STOPPED_WHILE_SENDING)
    with transaction(db):
        # "sending" rows are few (orders in flight): told so, the planner reads them through
        # orders_by_state_created whatever its statistics average out to
        rows = db.execute(
            "SELECT id, sending_owner, created_at FROM orders "
            "WHERE likelihood(state = ?, 0.001) ORDER BY +id",
            (OrderState.SENDING,),
        ).fetchall()
        ids = [
            order_id
            for order_id, owner, created in rows
            if ((owner is None or alive is None) and created < cutoff)
            or (owner is not None and alive is not None and not alive(owner))
        ]
        for order_id in ids:
            _set_state(db, order_id, OrderState.UNKNOWN, error)
            add_event(db, order_id, "add", note=_outcome_unknown(error))
        return [get_order(db, order_id) for order_id in ids]


# --- reading -----------------------------------------------------------------------------


def get_order(db: Database, order_id: int) -> Order:
    """The order with local id ``order_id``; NotFoundLocally if there is none."""
    row = db.execute(f"{ORDER_SELECT} WHERE o.id = ?", (order_id,)).fetchone()
    if row is None:
        raise NotFoundLocally(
            _("smmdesk has no order #{id}. Check the order number.").format(id=order_id)
        )
    return order_from_row(row)


def find_order(db: Database, panel_id: int, remote_id: str) -> Order | None:
    """The order the panel knows as ``remote_id``, or None."""
    row = db.execute(
        f"{ORDER_SELECT} WHERE o.panel_id = ? AND o.remote_id = ?", (panel_id, str(remote_id))
    ).fetchone()
    return None if row is None else order_from_row(row)


def order_events(db: Database, order_id: int) -> list[OrderEvent]:
    """The order's history, oldest first."""
    rows = db.execute(
        "SELECT id, order_id, at, status, raw_status, start_count, remains, charge, source, "
        "note FROM order_events WHERE order_id = ? ORDER BY id",
        (order_id,),
    )
    return [
        OrderEvent(r[0], r[1], parse_time(r[2]), r[3], r[4], r[5], r[6], parse_money(r[7]), *r[8:])
        for r in rows
    ]


def add_event(
    db: Database,
    order_id: int,
    source: str,
    *,
    note: str | None = None,
    status: str | None = None,
    at: datetime | None = None,
) -> None:
    """Append one event to an order's history (e.g. a cancel request and its answer)."""
    db.execute(
        "INSERT INTO order_events (order_id, at, status, source, note) VALUES (?, ?, ?, ?, ?)",
        (order_id, time_text(at or now()), status, source, note),
    )


ORDER_COLUMNS = (
    "o.id, o.panel_id, p.name, o.remote_id, o.service_id, o.service_name, o.service_type, "
    "o.params, o.link, o.quantity, o.expected_cost, o.charge, o.currency, o.status, "
    "o.raw_status, o.start_count, o.remains, o.state, o.error, o.source, o.reference, "
    "o.created_at, o.updated_at, o.checked_at, o.not_found_count, o.final, o.request_id, "
    "o.sale_price"
)
ORDER_SELECT = f"SELECT {ORDER_COLUMNS} FROM orders o JOIN panels p ON p.id = o.panel_id"


def order_from_row(r: tuple[Any, ...]) -> Order:
    """An Order from a row selected with ORDER_COLUMNS."""
    return Order(
        id=r[0],
        panel_id=r[1],
        panel_name=r[2],
        remote_id=r[3],
        service_id=r[4],
        service_name=r[5],
        service_type=r[6],
        params=json.loads(r[7]),
        link=r[8],
        quantity=r[9],
        expected_cost=parse_money(r[10]),
        charge=parse_money(r[11]),
        currency=r[12],
        status=r[13],
        raw_status=r[14],
        start_count=r[15],
        remains=r[16],
        state=OrderState(r[17]),
        error=r[18],
        source=r[19],
        reference=r[20],
        created_at=parse_time(r[21]),
        updated_at=parse_time(r[22]),
        checked_at=parse_time(r[23]),
        not_found_count=r[24],
        final=bool(r[25]),
        request_id=r[26],
        sale_price=parse_money(r[27]),
    )


# --- helpers -----------------------------------------------------------------------------


# Translators: {state} is an order's state in its words: sending, placed, not placed, tracked.
_CANNOT_PLACE = N_("Order #{id} is {state}, so it cannot be marked as placed.")
# Translators: {state} is an order's state in its words: sending, placed, not placed, tracked.
_CANNOT_FAIL = N_("Order #{id} is {state}, so it cannot be marked as failed.")
# Translators: {state} is an order's state in its words: sending, placed, not placed, tracked.
_CANNOT_UNKNOWN = N_("Order #{id} is {state}, so it cannot be marked as unknown.")
# Translators: {state} is an order's state in its words: sending, placed, not placed, tracked.
_CANNOT_RESOLVE = N_("Order #{id} is {state}, so it cannot be resolved.")


def _state_word(state: OrderState) -> str:
    """The state in the vocabulary's words ("not placed"), in the current language."""
    return state.words


def _outcome_unknown(error: str) -> str:
    # Translators: a note in an order's history; {error} says what broke.
    return _("Outcome unknown: {error}").format(error=error)


def _in_state(db: Database, order_id: int, allowed: tuple[OrderState, ...], refusal: str) -> Order:
    """The order, when it is in one of ``allowed``; else ``refusal`` (marked, with {id} and
    {state}) as a ValidationError."""
    order = get_order(db, order_id)
    if order.state not in allowed:
        message = _(refusal).format(id=order_id, state=_state_word(order.state))
        raise ValidationError([FieldProblem("", message)])
    return order


def _set_state(db: Database, order_id: int, state: OrderState, error: str | None) -> None:
    db.execute(
        "UPDATE orders SET state = ?, error = ?, updated_at = ? WHERE id = ?",
        (state, error, time_text(now()), order_id),
    )


def _set_remote_id(
    db: Database,
    order: Order,
    remote_id: str,
    state: OrderState,
    source: str,
    by_user: bool = False,
) -> None:
    other = find_order(db, order.panel_id, remote_id)
    if other is not None:
        raise ValidationError(
            [
                FieldProblem(
                    "remote_id",
                    # Translators: {remote_id} is the panel's order id; {id} smmdesk's own.
                    _(
                        "Order {remote_id} of the panel is already in smmdesk as #{id}. "
                        "Check the order id on the panel."
                    ).format(remote_id=remote_id, id=other.id),
                )
            ]
        )
    db.execute(
        "UPDATE orders SET remote_id = ?, state = ?, error = NULL, status = ?, final = 0, "
        "updated_at = ? WHERE id = ?",
        (remote_id, state, PENDING, time_text(now()), order.id),
    )
    if by_user:
        # Translators: a note in an order's history; {remote_id} is the panel's order id.
        note = _("Entered by the user: order {remote_id} of the panel.")
    else:
        # Translators: a note in an order's history; {remote_id} is the panel's order id.
        note = _("Placed: order {remote_id} of the panel.")
    add_event(db, order.id, source, note=note.format(remote_id=remote_id), status=PENDING)


def _int_or_none(text: object) -> int | None:
    try:
        return int(str(text).strip())
    except ValueError:
        return None
