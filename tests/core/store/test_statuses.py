"""Status answers into the store: events only on change, final flag, lost orders, tracking."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from smmdesk.core.api.models import CancelResult, ItemError, OrderStatus
from smmdesk.core.store import (
    LOST_AFTER,
    OrderState,
    add_panel,
    apply_statuses,
    get_order,
    mark_placed,
    open_orders,
    order_events,
    record_cancel_requests,
    record_sending,
    track,
    transaction,
)
from smmdesk.protocol import COMPLETED, IN_PROGRESS, PARTIAL, PENDING, UNKNOWN

NOT_FOUND = ItemError("Incorrect order ID")


def status(name=IN_PROGRESS, raw=None, charge=None, start=None, remains=None, currency="USD"):
    return OrderStatus(
        status=name,
        raw_status=raw or name,
        charge=None if charge is None else Decimal(charge),
        start_count=start,
        remains=remains,
        currency=currency,
    )


@pytest.fixture
def panel(db):
    return add_panel(db, "Main", "https://panel.example/api/v2")


@pytest.fixture
def placed(db, panel, make_service):
    """Three orders placed on the panel as remote ids 101, 102, 103."""
    service = make_service("1")
    orders = []
    for remote_id in ("101", "102", "103"):
        order = record_sending(db, panel.id, service, {"link": "https://x", "quantity": "100"})
        orders.append(mark_placed(db, order.id, remote_id))
    return orders


def events_of(db, order):
    return [
        (e.source, e.status, e.start_count, e.remains, e.charge) for e in order_events(db, order.id)
    ]


def test_a_change_updates_the_order_and_adds_one_event(db, panel, placed):
    order = placed[0]
    changes = apply_statuses(
        db, panel.id, {"101": status(charge="0.27819", start=3572, remains=157)}
    )
    assert changes.checked == 1 and changes.changed == (order.id,)
    now = get_order(db, order.id)
    assert (now.status, now.charge, now.start_count, now.remains, now.currency) == (
        IN_PROGRESS,
        Decimal("0.27819"),
        3572,
        157,
        "USD",
    )
    assert now.checked_at is not None and now.updated_at >= order.updated_at
    assert events_of(db, order)[-1] == ("refresh", IN_PROGRESS, 3572, 157, Decimal("0.27819"))


def test_the_same_answer_again_adds_no_event_but_counts_as_checked(db, panel, placed):
    answer = {"101": status(charge="0.5", start=10, remains=5)}
    apply_statuses(db, panel.id, answer)
    before = get_order(db, placed[0].id)
    again = apply_statuses(db, panel.id, {"101": status(charge="0.50", start=10, remains=5)})
    after = get_order(db, placed[0].id)
    assert again.checked == 1 and again.changed == ()
    assert len(order_events(db, placed[0].id)) == 2  # placed + the first change
    assert after.updated_at == before.updated_at
    assert after.checked_at > before.checked_at


@pytest.mark.parametrize(
    ("second", "event"),
    [
        (status(charge="0.5", start=10, remains=4), True),  # remains moved
        (status(charge="0.6", start=10, remains=5), True),  # charge moved
        (status(charge="0.5", start=11, remains=5), True),  # start count moved
        (status(PARTIAL, charge="0.5", start=10, remains=5), True),  # status moved
        (status(raw="Processing", charge="0.5", start=10, remains=5), False),  # spelling only
        (status(), False),  # fields missing from the answer keep their values
    ],
)
def test_events_only_when_status_counts_or_charge_change(db, panel, placed, second, event):
    apply_statuses(db, panel.id, {"101": status(charge="0.5", start=10, remains=5)})
    changes = apply_statuses(db, panel.id, {"101": second})
    assert bool(changes.changed) is event
    assert len(order_events(db, placed[0].id)) == 2 + event
    kept = get_order(db, placed[0].id)
    assert kept.charge is not None and kept.start_count is not None


def test_an_unknown_status_spelling_is_kept_and_each_new_one_is_an_event(db, panel, placed):
    apply_statuses(db, panel.id, {"101": status(UNKNOWN, raw="Queued")})
    changes = apply_statuses(db, panel.id, {"101": status(UNKNOWN, raw="Checking")})
    order = get_order(db, placed[0].id)
    assert (order.status, order.raw_status, order.final) == (UNKNOWN, "Checking", False)
    assert changes.changed == (order.id,)
    assert (order.id, "101") in open_orders(db, panel.id)  # still refreshed


def test_final_orders_leave_the_refresh_list_and_come_back_if_active_again(db, panel, placed):
    changes = apply_statuses(db, panel.id, {"101": status(COMPLETED, remains=0)})
    assert changes.finished == (placed[0].id,)
    assert get_order(db, placed[0].id).final is True
    assert [remote for _, remote in open_orders(db, panel.id)] == ["102", "103"]

    again = apply_statuses(db, panel.id, {"101": status(IN_PROGRESS)})  # e.g. refilled
    assert again.finished == ()
    assert get_order(db, placed[0].id).final is False
    assert [remote for _, remote in open_orders(db, panel.id)] == ["101", "102", "103"]


def test_not_found_three_times_in_a_row_makes_an_order_lost_never_deleted(db, panel, placed):
    apply_statuses(db, panel.id, {"101": status(charge="0.5")})
    for round_number in range(1, LOST_AFTER):
        changes = apply_statuses(db, panel.id, {"101": NOT_FOUND})
        assert changes.errors == {placed[0].id: "Incorrect order ID"}
        assert changes.lost == ()
        assert get_order(db, placed[0].id).not_found_count == round_number
    changes = apply_statuses(db, panel.id, {"101": NOT_FOUND})
    lost = get_order(db, placed[0].id)
    assert changes.lost == (lost.id,)
    assert lost.lost and lost.state is OrderState.PLACED
    assert (lost.status, lost.charge) == (IN_PROGRESS, Decimal("0.5"))  # last known kept
    assert "marked lost" in order_events(db, lost.id)[-1].note
    assert "101" not in [remote for _, remote in open_orders(db, panel.id)]

    revived = apply_statuses(db, panel.id, {"101": status(charge="0.5")})
    assert revived.changed == (lost.id,)
    assert get_order(db, lost.id).lost is False
    assert "knows this order again" in order_events(db, lost.id)[-1].note


def test_a_good_answer_in_between_restarts_the_not_found_count(db, panel, placed):
    for _ in range(LOST_AFTER - 1):
        apply_statuses(db, panel.id, {"101": NOT_FOUND})
    apply_statuses(db, panel.id, {"101": status()})
    apply_statuses(db, panel.id, {"101": NOT_FOUND})
    assert get_order(db, placed[0].id).not_found_count == 1


def test_other_per_order_errors_are_kept_but_do_not_count_as_not_found(db, panel, placed):
    changes = apply_statuses(db, panel.id, {"102": ItemError("Temporary provider error")})
    order = get_order(db, placed[1].id)
    assert changes.errors == {order.id: "Temporary provider error"}
    assert (order.error, order.not_found_count) == ("Temporary provider error", 0)
    apply_statuses(db, panel.id, {"102": status()})
    assert get_order(db, placed[1].id).error is None


def test_ids_the_store_does_not_have_are_reported_not_invented(db, panel, placed):
    other = add_panel(db, "Other", "https://other.example/api/v2")
    changes = apply_statuses(db, other.id, {"101": status(COMPLETED), "999": status()})
    assert changes.checked == 0
    assert set(changes.unmatched) == {"101", "999"}
    assert get_order(db, placed[0].id).status == PENDING  # the other panel's 101 is untouched


def test_a_batch_is_one_transaction(db, panel, placed):
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    apply_statuses(db, panel.id, {o.remote_id: status(COMPLETED) for o in placed})
    db.conn.set_trace_callback(None)
    assert sum(s.startswith("BEGIN") for s in statements) == 1
    assert sum(s.startswith("COMMIT") for s in statements) == 1


def test_the_event_source_is_recorded(db, panel, placed):
    apply_statuses(db, panel.id, {"103": status(COMPLETED)}, source="webhook")
    assert order_events(db, placed[2].id)[-1].source == "webhook"


def test_ten_thousand_answers_in_well_under_a_second(db, panel, make_service):
    with transaction(db):
        for i in range(10_000):
            track(db, panel.id, str(i))
    answers = {
        str(i): status(COMPLETED if i % 2 else IN_PROGRESS, charge="1.5", remains=i)
        for i in range(10_000)
    }
    started = time.perf_counter()
    changes = apply_statuses(db, panel.id, answers)
    elapsed = time.perf_counter() - started
    assert changes.checked == 10_000 and len(changes.changed) == 10_000
    assert len(changes.finished) == 5_000
    assert len(open_orders(db, panel.id)) == 5_000
    assert elapsed < 1.0, f"apply_statuses took {elapsed:.2f} s for 10,000 answers"


def test_tracking_adopts_an_order_once_with_its_status(db, panel, make_service):
    service = make_service("9", type="Subscriptions")
    order = track(
        db, panel.id, " 4242 ", service=service, status=status(charge="2.5"), reference="site"
    )
    assert (order.state, order.remote_id, order.source) == (OrderState.TRACKED, "4242", "track")
    assert (order.service_id, order.service_type, order.status) == (
        "9",
        "Subscriptions",
        IN_PROGRESS,
    )
    assert [e.source for e in order_events(db, order.id)] == ["track", "track"]
    assert track(db, panel.id, "4242") == get_order(db, order.id)
    assert open_orders(db, panel.id) == [(order.id, "4242")]


def test_tracking_without_a_status_waits_for_the_next_refresh(db, panel):
    order = track(db, panel.id, "77")
    assert order.status is None and order.service_id is None
    assert open_orders(db, panel.id) == [(order.id, "77")]


def test_cancel_answers_are_noted_in_the_history(db, panel, placed):
    noted = record_cancel_requests(
        db,
        panel.id,
        [
            CancelResult("101", ok=True),
            CancelResult("102", ok=False, error="Order can't be canceled"),
            CancelResult("999", ok=False, error="Incorrect order ID"),
        ],
    )
    assert noted == [placed[0].id, placed[1].id]
    assert order_events(db, placed[0].id)[-1].note == "Cancel requested."
    assert order_events(db, placed[1].id)[-1].note == "Cancel refused: Order can't be canceled"
    assert get_order(db, placed[0].id).status == PENDING  # requested is not canceled
