"""Orders as the panel reports them: status answers, adopted orders, cancel requests.

``apply_statuses`` takes one batch of status answers (a refresh, a webhook, a track) and
writes it in ONE transaction: an ``order_events`` row only where something a reseller cares
about changed (status, start count, remains, charge), the ``final`` flag kept equal to "the
status is final". Per-order "Incorrect order ID" answers are counted; after LOST_AFTER in a
row the order is *lost*: kept with its last status, never deleted, no longer refreshed.
Only a per-order answer can count: an error about a whole request never reaches this module.

A final order that a webhook reports open again keeps its final status (the post is kept as
an event with a note, for the user to check); a refresh the user asked for may reopen it (a
refill makes an order active again). An order reported Pending after In progress keeps the
panel's word, with a note: on some panels that is how an order that hit an error shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlite_utils import Database

from smmdesk.core.api.models import CancelResult, ItemError, OrderStatus, Service
from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import N_, _, ngettext
from smmdesk.core.store.orders import (
    LOST_AFTER,
    Order,
    OrderState,
    add_event,
    find_order,
    get_order,
)
from smmdesk.core.store.panels import get_panel_by_id
from smmdesk.core.store.sql import money_text, now, time_text, transaction
from smmdesk.protocol import IN_PROGRESS, PENDING, UNKNOWN, is_final, means_not_found


def is_not_found(message: str) -> bool:
    """True for per-id errors like "Incorrect order ID", "Incorrect refill ID", "Not found"."""
    return means_not_found(message)


@dataclass(frozen=True)
class StatusChanges:
    """What one batch of answers did. Order ids are local ids."""

    checked: int = 0  # answers that matched an order
    changed: tuple[int, ...] = ()  # orders that got an event (status/counts/charge changed)
    finished: tuple[int, ...] = ()  # orders whose status became final
    lost: tuple[int, ...] = ()  # orders that just became lost
    errors: Mapping[int, str] = field(default_factory=dict)  # per-order error answers
    unmatched: tuple[str, ...] = ()  # remote ids the store does not have on this panel


def apply_statuses(
    db: Database,
    panel_id: int,
    answers: Mapping[str, OrderStatus | ItemError],
    source: str = "refresh",
    at: datetime | None = None,
) -> StatusChanges:
    """Write a batch of status answers (remote id -> answer) for one panel."""
    batch = _Batch(source, time_text(at or now()))
    by_remote = {str(remote_id): answer for remote_id, answer in answers.items()}
    with transaction(db):
        for row in db.execute(_SELECT_ANSWERED, (panel_id, json.dumps(list(by_remote)))):
            batch.apply(row, by_remote.pop(row[1]))
        db.conn.executemany(_UPDATE_ORDER, batch.updates)
        db.conn.executemany(_UPDATE_PROGRESS, batch.progress)
        db.conn.executemany(_UPDATE_CHECKED, batch.checked)
        db.conn.executemany(_INSERT_EVENT, batch.events)
    return StatusChanges(
        checked=len(batch.updates) + len(batch.progress) + len(batch.checked),
        changed=tuple(batch.changed),
        finished=tuple(batch.finished),
        lost=tuple(batch.lost),
        errors=batch.errors,
        unmatched=tuple(by_remote),
    )


def open_orders(db: Database, panel_id: int) -> list[tuple[int, str]]:
    """(local id, remote id) of the panel's orders to refresh: not final, not lost."""
    rows = db.execute(
        "SELECT id, remote_id FROM orders WHERE panel_id = ? AND final = 0 "
        "AND state IN (?, ?) AND remote_id IS NOT NULL AND not_found_count < ? ORDER BY id",
        (panel_id, OrderState.PLACED, OrderState.TRACKED, LOST_AFTER),
    )
    return [(order_id, remote_id) for order_id, remote_id in rows]


def track(
    db: Database,
    panel_id: int,
    remote_id: str,
    *,
    service: Service | None = None,
    status: OrderStatus | None = None,
    link: str | None = None,
    reference: str | None = None,
    at: datetime | None = None,
) -> Order:
    """Adopt an order placed elsewhere (state "tracked"); the existing one if known already.

    ``status``: its status when the caller has asked the panel already (the next refresh
    fills it in otherwise).
    """
    remote_id = str(remote_id).strip()
    stamp = time_text(at or now())
    with transaction(db):
        existing = find_order(db, panel_id, remote_id)
        if existing is not None:
            return existing
        get_panel_by_id(db, panel_id)
        cursor = db.execute(
            "INSERT INTO orders (panel_id, remote_id, service_id, service_name, service_type, "
            "link, state, source, reference, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                panel_id,
                remote_id,
                None if service is None else str(service.id),
                None if service is None else service.name,
                None if service is None else service.type_name or service.type,
                link,
                OrderState.TRACKED,
                "track",
                reference,
                stamp,
                stamp,
            ),
        )
        order_id = cursor.lastrowid or 0
        # Translators: a note in an order's history; {remote_id} is the panel's order id.
        note = _("Tracked: order {remote_id} of the panel.").format(remote_id=remote_id)
        add_event(db, order_id, "track", note=note, at=at)
        if status is not None:
            apply_statuses(db, panel_id, {remote_id: status}, source="track", at=at)
        return get_order(db, order_id)


def record_cancel_requests(
    db: Database, panel_id: int, results: Iterable[CancelResult], at: datetime | None = None
) -> list[int]:
    """Note each cancel answer in its order's history; return the local ids noted.

    A cancel "success" means *requested*: the next status refresh tells what happened.
    """
    noted = []
    with transaction(db):
        for result in results:
            order = find_order(db, panel_id, result.order_id)
            if order is None:
                continue
            if result.ok:
                note = _("Cancel requested.")
            else:
                # Translators: a note in an order's history; {error} is the panel's words.
                note = _("Cancel refused: {error}").format(error=result.error)
            add_event(db, order.id, "cancel", note=note, at=at)
            noted.append(order.id)
    return noted


_BACK_TO_PENDING = N_(
    "The panel reports this order Pending again after In progress. On some panels that is "
    "how an order that ran into an error shows: check it on the panel's website."
)

# --- the batch ---------------------------------------------------------------------------

_SELECT_ANSWERED = (
    "SELECT id, remote_id, status, raw_status, start_count, remains, charge, currency, "
    "final, not_found_count, updated_at FROM orders "
    "WHERE panel_id = ? AND remote_id IN (SELECT value FROM json_each(?))"
)
_UPDATE_ORDER = (
    "UPDATE orders SET status = ?, raw_status = ?, start_count = ?, remains = ?, charge = ?, "
    "currency = ?, final = ?, not_found_count = ?, error = ?, updated_at = ?, checked_at = ? "
    "WHERE id = ?"
)
# An answer that changed neither status, charge nor finality touches fewer columns, so the
# indexes on those (smmdesk.core.store.migrations m005) are not rewritten at every refresh:
# delivery progress (start count, remains), or nothing at all but the time it was asked.
# (nor the currency: the running sums of the reports, store.report_sums, are kept by a
# trigger on the columns that change them, and only a statement setting one calls it)
_UPDATE_PROGRESS = (
    "UPDATE orders SET raw_status = ?, start_count = ?, remains = ?, "
    "not_found_count = 0, error = NULL, updated_at = ?, checked_at = ? WHERE id = ?"
)
_UPDATE_CHECKED = "UPDATE orders SET not_found_count = 0, error = NULL, checked_at = ? WHERE id = ?"
_INSERT_EVENT = (
    "INSERT INTO order_events (order_id, at, status, raw_status, start_count, remains, "
    "charge, source, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class _Batch:
    """Turns answers into UPDATE and event rows, collecting what changed."""

    def __init__(self, source: str, stamp: str):
        self.source = source
        self.stamp = stamp
        self.updates: list[tuple[Any, ...]] = []  # status, charge or finality changed
        self.progress: list[tuple[Any, ...]] = []  # only delivery figures changed
        self.checked: list[tuple[Any, ...]] = []  # nothing changed
        self.events: list[tuple[Any, ...]] = []
        self.changed: list[int] = []
        self.finished: list[int] = []
        self.lost: list[int] = []
        self.errors: dict[int, str] = {}

    def apply(self, row: tuple[Any, ...], answer: OrderStatus | ItemError) -> None:
        if isinstance(answer, ItemError):
            self._error(row, answer.message)
        else:
            self._status(row, answer)

    def _status(self, row: tuple[Any, ...], answer: OrderStatus) -> None:
        (
            order_id,
            _remote_id,
            status,
            raw,
            old_start,
            old_remains,
            charge,
            currency,
            final,
            misses,
            updated,
        ) = row
        if final and not is_final(answer.status) and self.source == "webhook":
            self._kept_final(order_id, status, raw, old_start, old_remains, charge, answer)
            return
        old_charge = None if charge is None else Decimal(charge)
        charge = old_charge if answer.charge is None else answer.charge
        start = old_start if answer.start_count is None else answer.start_count
        remains = old_remains if answer.remains is None else answer.remains
        revived = misses >= LOST_AFTER
        changed = (
            answer.status != status
            or (answer.status == UNKNOWN and answer.raw_status != raw)
            or (start, remains, charge) != (old_start, old_remains, old_charge)
            or revived
        )
        if changed:
            updated = self.stamp
            self.changed.append(order_id)
            note = _("The panel knows this order again.") if revived else None
            if status == IN_PROGRESS and answer.status == PENDING:
                note = _(_BACK_TO_PENDING)
            self.events.append(
                (
                    order_id,
                    self.stamp,
                    answer.status,
                    answer.raw_status,
                    start,
                    remains,
                    money_text(charge),
                    self.source,
                    note,
                )
            )
        now_final = is_final(answer.status)
        if now_final and not final:
            self.finished.append(order_id)
        same = answer.status == status and charge == old_charge and int(now_final) == final
        same_currency = (answer.currency or currency) == currency
        if same and same_currency and not changed and misses == 0 and answer.raw_status == raw:
            self.checked.append((self.stamp, order_id))
            return
        if same and same_currency:
            self.progress.append((answer.raw_status, start, remains, updated, self.stamp, order_id))
            return
        self.updates.append(
            (
                answer.status,
                answer.raw_status,
                start,
                remains,
                money_text(charge),
                answer.currency or currency,
                int(now_final),
                0,
                None,
                updated,
                self.stamp,
                order_id,
            )
        )

    def _kept_final(
        self,
        order_id: int,
        status: str,
        raw: str | None,
        start: int | None,
        remains: int | None,
        charge: str | None,
        answer: OrderStatus,
    ) -> None:
        """A webhook said a final order is open again: keep the order as it is, note it."""
        self.changed.append(order_id)
        # Translators: a note in an order's history; {reported} is the status in the panel's
        # words, {status} the order's status as smmdesk names it ("Completed").
        note = _(
            'The panel\'s webhook reported "{reported}" for this order, which was '
            "already {status}. smmdesk kept it {status}; refresh the order to ask the panel."
        ).format(reported=answer.raw_status, status=status)
        self.events.append(
            (order_id, self.stamp, status, raw, start, remains, charge, self.source, note)
        )

    def _error(self, row: tuple[Any, ...], message: str) -> None:
        order_id, _rid, status, raw, start, remains, charge, currency, final, misses, updated = row
        self.errors[order_id] = message
        if is_not_found(message):
            misses += 1
            if misses == LOST_AFTER:
                updated = self.stamp
                self.lost.append(order_id)
                self.changed.append(order_id)
                # Translators: a note in an order's history; {message} is the panel's words
                # ("Incorrect order ID").
                note = ngettext(
                    'The panel answered "{message}" {count} time in a row: the order '
                    "is marked lost and no longer refreshed.",
                    'The panel answered "{message}" {count} times in a row: the order '
                    "is marked lost and no longer refreshed.",
                    LOST_AFTER,
                ).format(message=message, count=format_integer(LOST_AFTER))
                self.events.append(
                    (order_id, self.stamp, status, raw, start, remains, charge, self.source, note)
                )
        self.updates.append(
            (
                status,
                raw,
                start,
                remains,
                charge,
                currency,
                final,
                misses,
                message,
                updated,
                self.stamp,
                order_id,
            )
        )
