"""Refills: requested or refused, followed until final, noted in the order's history."""

from __future__ import annotations

import pytest

from smmdesk.core.api.models import ItemError, RefillStatus
from smmdesk.core.store import (
    add_panel,
    add_refill,
    apply_refill_statuses,
    get_order,
    list_refills,
    mark_placed,
    order_events,
    pending_refills,
    record_sending,
    refills_for,
)
from smmdesk.protocol import COMPLETED, IN_PROGRESS, PENDING, UNKNOWN


@pytest.fixture
def panel(db):
    return add_panel(db, "Main", "https://panel.example/api/v2")


@pytest.fixture
def order(db, panel, make_service):
    sent = record_sending(db, panel.id, make_service("1"), {"link": "https://x", "quantity": "100"})
    return mark_placed(db, sent.id, "501")


def test_a_requested_refill_is_pending_and_in_the_order_history(db, panel, order):
    refill = add_refill(db, order.id, 77)
    assert (refill.refill_id, refill.order_id, refill.panel_id) == ("77", order.id, panel.id)
    assert (refill.status, refill.final) == (None, False)
    assert pending_refills(db, panel.id) == [refill]
    assert refills_for(db, order.id) == [refill]
    assert order_events(db, order.id)[-1].note == "Refill requested: 77."
    assert order_events(db, order.id)[-1].source == "refill"


def test_a_refused_refill_is_kept_with_the_panels_words_and_not_followed(db, panel, order):
    refill = add_refill(db, order.id, None, error="Refill is disabled for this service")
    assert (refill.refill_id, refill.final) == (None, True)
    assert refill.error == "Refill is disabled for this service"
    assert pending_refills(db, panel.id) == []
    assert "Refill refused" in order_events(db, order.id)[-1].note


def test_statuses_move_a_refill_until_it_is_final(db, panel, order):
    refill = add_refill(db, order.id, "77")
    first = apply_refill_statuses(db, panel.id, {"77": RefillStatus("77", PENDING, "Pending")})
    assert first.changed == (refill.id,) and first.finished == ()
    same = apply_refill_statuses(db, panel.id, {"77": RefillStatus("77", PENDING, "Pending")})
    assert same.changed == ()
    done = apply_refill_statuses(db, panel.id, {"77": RefillStatus("77", COMPLETED, "Completed")})
    assert done.finished == (refill.id,)
    assert pending_refills(db, panel.id) == []
    [kept] = refills_for(db, order.id)
    assert (kept.status, kept.raw_status, kept.final) == (COMPLETED, "Completed", True)
    notes = [e.note for e in order_events(db, order.id) if e.source == "refill"]
    assert notes == ["Refill requested: 77.", "Refill 77: Pending.", "Refill 77: Completed."]
    assert get_order(db, order.id).status == PENDING  # the order's own status is untouched


def test_a_rejected_refill_is_final_too(db, panel, order):
    add_refill(db, order.id, "78")
    changes = apply_refill_statuses(db, panel.id, {"78": RefillStatus("78", UNKNOWN, "Rejected")})
    assert len(changes.finished) == 1
    assert pending_refills(db, panel.id) == []


def test_per_refill_errors_are_kept_and_unknown_ids_stop_being_asked(db, panel, order):
    busy = add_refill(db, order.id, "80")
    gone = add_refill(db, order.id, "81")
    changes = apply_refill_statuses(
        db,
        panel.id,
        {
            "80": ItemError("Try again later"),
            "81": ItemError("Incorrect refill ID"),
            "99": RefillStatus("99", IN_PROGRESS, "In progress"),
        },
    )
    assert changes.errors == {busy.id: "Try again later", gone.id: "Incorrect refill ID"}
    assert changes.unmatched == ("99",)
    assert [r.refill_id for r in pending_refills(db, panel.id)] == ["80"]


def test_list_refills_newest_first_and_per_panel(db, panel, order, make_service):
    other = add_panel(db, "Other", "https://other.example/api/v2")
    sent = record_sending(db, other.id, make_service("1"), {"link": "https://y"})
    elsewhere = mark_placed(db, sent.id, "9")
    add_refill(db, order.id, "1")
    add_refill(db, elsewhere.id, "1")  # the same refill id on another panel
    add_refill(db, order.id, "2")
    assert [(r.panel_id, r.refill_id) for r in list_refills(db)] == [
        (panel.id, "2"),
        (other.id, "1"),
        (panel.id, "1"),
    ]
    assert [r.refill_id for r in list_refills(db, other.id)] == ["1"]
    changes = apply_refill_statuses(db, other.id, {"1": RefillStatus("1", COMPLETED, "Done")})
    assert len(changes.finished) == 1
    assert [r.refill_id for r in pending_refills(db, panel.id)] == ["1", "2"]
