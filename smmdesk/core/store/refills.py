"""Refills: requests to top up an order that dropped, each followed until final.

A refill the panel refused is kept too (no ``refill_id``, with the panel's ``error``), so
the order's history shows the attempt. Each request and each refill status change is also
an event in the order's history (source "refill"). The order's own status is not touched:
refills are refreshed on their own (``pending_refills``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from smmdesk.core.api.models import ItemError, RefillStatus
from smmdesk.core.i18n import _
from smmdesk.core.store.orders import add_event, get_order
from smmdesk.core.store.sql import now, parse_time, time_text, transaction
from smmdesk.core.store.statuses import is_not_found
from smmdesk.protocol import is_final, squash

# Refill answers that end a refill although they are no order status.
_FINAL_REFILL_WORDS = frozenset({"rejected", "declined", "denied", "refused"})


@dataclass(frozen=True)
class Refill:
    id: int  # local id
    order_id: int
    panel_id: int
    refill_id: str | None  # the panel's refill id; None when the panel refused the refill
    status: str | None  # canonical (smmdesk.protocol); None until known
    raw_status: str | None
    error: str | None
    final: bool  # no longer refreshed
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class RefillChanges:
    changed: tuple[int, ...] = ()  # local refill ids whose status changed
    finished: tuple[int, ...] = ()  # local refill ids that became final
    errors: Mapping[int, str] = field(default_factory=dict)  # per-refill error answers
    unmatched: tuple[str, ...] = ()  # refill ids the store does not have on this panel


def is_final_refill(status: str, raw_status: str) -> bool:
    return is_final(status) or squash(raw_status) in _FINAL_REFILL_WORDS


def add_refill(
    db: Database,
    order_id: int,
    refill_id: str | None,
    *,
    error: str | None = None,
    at: datetime | None = None,
) -> Refill:
    """Record a refill request: accepted as ``refill_id``, or refused (None) with ``error``."""
    stamp = time_text(at or now())
    with transaction(db):
        order = get_order(db, order_id)
        cursor = db.execute(
            "INSERT INTO refills (order_id, panel_id, refill_id, error, final, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                order_id,
                order.panel_id,
                None if refill_id is None else str(refill_id),
                error,
                int(refill_id is None),
                stamp,
                stamp,
            ),
        )
        if refill_id is None:
            # Translators: a note in an order's history; {error} is why (often the panel's).
            note = _("Refill refused: {error}").format(error=error)
        else:
            # Translators: a note in an order's history; {refill_id} is the panel's refill id.
            note = _("Refill requested: {refill_id}.").format(refill_id=refill_id)
        add_event(db, order_id, "refill", note=note, at=at)
        return _get(db, cursor.lastrowid or 0)


def apply_refill_statuses(
    db: Database,
    panel_id: int,
    answers: Mapping[str, RefillStatus | ItemError],
    at: datetime | None = None,
) -> RefillChanges:
    """Write a batch of refill status answers (refill id -> answer) for one panel."""
    stamp = time_text(at or now())
    by_refill_id = {str(refill_id): answer for refill_id, answer in answers.items()}
    changed, finished, errors, matched = [], [], {}, set()
    with transaction(db):
        rows = db.execute(
            f"{_SELECT} WHERE panel_id = ? AND refill_id IN (SELECT value FROM json_each(?))",
            (panel_id, json.dumps(list(by_refill_id))),
        ).fetchall()
        for row in rows:
            refill = _refill(row)
            answer = by_refill_id[refill.refill_id or ""]
            matched.add(refill.refill_id)
            if isinstance(answer, ItemError):
                errors[refill.id] = answer.message
                final = refill.final or is_not_found(answer.message)
                _update(db, refill, refill.status, refill.raw_status, answer.message, final, stamp)
            elif (answer.status, answer.raw_status) != (refill.status, refill.raw_status):
                final = is_final_refill(answer.status, answer.raw_status)
                _update(db, refill, answer.status, answer.raw_status, None, final, stamp)
                # Translators: a note in an order's history: the panel's refill id and the
                # refill's status in the panel's own words ("Completed").
                note = _("Refill {refill_id}: {status}.").format(
                    refill_id=refill.refill_id, status=answer.raw_status or answer.status
                )
                add_event(db, refill.order_id, "refill", note=note, at=at)
                changed.append(refill.id)
            else:
                continue
            if final and not refill.final:
                finished.append(refill.id)
    unmatched = tuple(r for r in by_refill_id if r not in matched)
    return RefillChanges(tuple(changed), tuple(finished), errors, unmatched)


def pending_refills(db: Database, panel_id: int) -> list[Refill]:
    """The panel's refills still to refresh (accepted, not final)."""
    rows = db.execute(
        f"{_SELECT} WHERE panel_id = ? AND final = 0 AND refill_id IS NOT NULL ORDER BY id",
        (panel_id,),
    )
    return [_refill(row) for row in rows]


def refills_for(db: Database, order_id: int) -> list[Refill]:
    """Every refill of one order, oldest first."""
    rows = db.execute(f"{_SELECT} WHERE order_id = ? ORDER BY id", (order_id,))
    return [_refill(row) for row in rows]


def list_refills(db: Database, panel_id: int | None = None) -> list[Refill]:
    """Every refill (of one panel), newest first."""
    if panel_id is None:
        rows = db.execute(f"{_SELECT} ORDER BY id DESC")
    else:
        rows = db.execute(f"{_SELECT} WHERE panel_id = ? ORDER BY id DESC", (panel_id,))
    return [_refill(row) for row in rows]


# --- helpers -----------------------------------------------------------------------------

_SELECT = (
    "SELECT id, order_id, panel_id, refill_id, status, raw_status, error, final, created_at, "
    "updated_at FROM refills"
)


def _refill(row: tuple[Any, ...]) -> Refill:
    return Refill(
        id=row[0],
        order_id=row[1],
        panel_id=row[2],
        refill_id=row[3],
        status=row[4],
        raw_status=row[5],
        error=row[6],
        final=bool(row[7]),
        created_at=parse_time(row[8]),
        updated_at=parse_time(row[9]),
    )


def _get(db: Database, refill_id: int) -> Refill:
    return _refill(db.execute(f"{_SELECT} WHERE id = ?", (refill_id,)).fetchone())


def _update(
    db: Database,
    refill: Refill,
    status: str | None,
    raw_status: str | None,
    error: str | None,
    final: bool,
    stamp: str,
) -> None:
    db.execute(
        "UPDATE refills SET status = ?, raw_status = ?, error = ?, final = ?, updated_at = ? "
        "WHERE id = ?",
        (status, raw_status, error, int(final), stamp, refill.id),
    )
