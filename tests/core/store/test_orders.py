"""The exactly-once ledger: sending -> placed / failed / unknown, and how unknown is settled."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from smmdesk.core.errors import NotFoundLocally, ValidationError
from smmdesk.core.store import (
    OrderState,
    add_panel,
    expire_sending,
    find_order,
    get_order,
    mark_failed,
    mark_placed,
    mark_unknown,
    open_db,
    open_orders,
    order_events,
    record_sending,
    resolve_unknown,
    track,
)
from smmdesk.protocol import PENDING

LINK = "https://instagram.com/p/abc"


@pytest.fixture
def panel(db):
    return add_panel(db, "Main", "https://panel.example/api/v2")


@pytest.fixture
def sending(db, panel, make_service):
    """An order written down as about to be sent."""
    service = make_service("1", name="Instagram Followers")
    return record_sending(
        db,
        panel.id,
        service,
        {"link": LINK, "quantity": "1000", "runs": "2", "interval": "30"},
        expected_cost=Decimal("1.80"),
        currency="USD",
        source="cli",
        reference="customer 17",
    )


def test_sending_is_committed_before_anything_goes_out(tmp_path, db, sending):
    # Another connection (as after a crash) already sees the row.
    other = open_db(tmp_path / "smmdesk.sqlite3")
    seen = get_order(other, sending.id)
    other.close()
    assert seen.state is OrderState.SENDING
    assert seen.remote_id is None and seen.status is None
    assert seen.params == {"link": LINK, "quantity": "1000", "runs": "2", "interval": "30"}
    assert (seen.link, seen.quantity, seen.expected_cost) == (LINK, 1000, Decimal("1.80"))
    assert (seen.service_id, seen.service_name, seen.service_type) == (
        "1",
        "Instagram Followers",
        "Default",
    )
    assert (seen.source, seen.reference, seen.panel_name) == ("cli", "customer 17", "Main")


def test_a_derived_quantity_is_taken_as_given(db, panel, make_service):
    service = make_service("4", type="Custom Comments")
    order = record_sending(
        db, panel.id, service, {"link": LINK, "comments": "nice\ngreat\nwow"}, quantity=3
    )
    assert order.quantity == 3 and order.service_type == "Custom Comments"
    assert order.params["comments"] == "nice\ngreat\nwow"


def test_placed_gets_the_remote_id_pending_and_an_event(db, sending):
    placed = mark_placed(db, sending.id, "23507")
    assert placed.state is OrderState.PLACED
    assert (placed.remote_id, placed.status, placed.final) == ("23507", PENDING, False)
    [event] = order_events(db, sending.id)
    assert (event.source, event.status) == ("add", PENDING)
    assert "23507" in event.note
    assert find_order(db, sending.panel_id, "23507") == placed
    assert open_orders(db, sending.panel_id) == [(sending.id, "23507")]


def test_failed_keeps_the_panels_words(db, sending):
    failed = mark_failed(db, sending.id, "Not enough funds on balance")
    assert failed.state is OrderState.FAILED and failed.remote_id is None
    assert failed.error == "Not enough funds on balance"
    assert "Not enough funds" in order_events(db, sending.id)[0].note
    assert open_orders(db, sending.panel_id) == []


def test_unknown_then_the_user_enters_the_remote_id(db, sending):
    unknown = mark_unknown(db, sending.id, "The connection broke.")
    assert unknown.state is OrderState.UNKNOWN and unknown.error == "The connection broke."
    assert open_orders(db, sending.panel_id) == []
    resolved = resolve_unknown(db, sending.id, " 23508 ")
    assert (resolved.state, resolved.remote_id, resolved.error) == (
        OrderState.PLACED,
        "23508",
        None,
    )
    assert "Entered by the user" in order_events(db, sending.id)[-1].note
    assert open_orders(db, sending.panel_id) == [(sending.id, "23508")]


def test_unknown_then_the_user_finds_it_was_never_placed(db, sending):
    mark_unknown(db, sending.id, "timeout")
    resolved = resolve_unknown(db, sending.id, None)
    assert resolved.state is OrderState.FAILED
    assert "checked by the user" in resolved.error


def test_a_late_answer_still_settles_an_unknown_order(db, sending):
    mark_unknown(db, sending.id, "smmdesk stopped")
    assert mark_placed(db, sending.id, "900").state is OrderState.PLACED


def test_settled_orders_cannot_be_settled_again(db, sending):
    mark_placed(db, sending.id, "1")
    for attempt in (
        lambda: mark_placed(db, sending.id, "2"),
        lambda: mark_failed(db, sending.id, "no"),
        lambda: mark_unknown(db, sending.id, "?"),
        lambda: resolve_unknown(db, sending.id, "3"),
    ):
        with pytest.raises(ValidationError, match="is placed"):
            attempt()
    assert get_order(db, sending.id).remote_id == "1"


def test_a_remote_id_already_known_is_refused_with_the_local_number(db, panel, sending):
    tracked = track(db, panel.id, "555")
    mark_unknown(db, sending.id, "timeout")
    with pytest.raises(ValidationError) as caught:
        resolve_unknown(db, sending.id, "555")
    assert f"already in smmdesk as #{tracked.id}" in str(caught.value)
    assert get_order(db, sending.id).state is OrderState.UNKNOWN


def test_the_same_remote_id_may_exist_on_two_panels(db, panel, sending):
    other = add_panel(db, "Other", "https://other.example/api/v2")
    track(db, other.id, "777")
    assert mark_placed(db, sending.id, "777").remote_id == "777"


def test_the_database_itself_refuses_a_duplicate_remote_id(db, panel):
    track(db, panel.id, "1")
    track(db, panel.id, "2")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE orders SET remote_id = '1' WHERE remote_id = '2'")


def test_stale_sending_rows_become_unknown_at_start_up(db, panel, make_service):
    service = make_service("1")
    t0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    old = record_sending(db, panel.id, service, {"link": LINK}, at=t0)
    fresh = record_sending(db, panel.id, service, {"link": LINK}, at=t0 + timedelta(minutes=9))
    expired = expire_sending(db, at=t0 + timedelta(minutes=12))
    assert [o.id for o in expired] == [old.id]
    assert get_order(db, old.id).state is OrderState.UNKNOWN
    assert "may or may not have been placed" in get_order(db, old.id).error
    assert get_order(db, fresh.id).state is OrderState.SENDING


def test_a_missing_order_or_panel_is_a_sentence(db, make_service):
    with pytest.raises(NotFoundLocally, match="no order #42"):
        get_order(db, 42)
    with pytest.raises(NotFoundLocally, match="no panel"):
        record_sending(db, 9, make_service("1"), {"link": LINK})
    assert db.execute("SELECT count(*) FROM orders").fetchone()[0] == 0
