"""Searching order history: panel, status, dates, text, sorting and paging."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from smmdesk.core.api.models import OrderStatus
from smmdesk.core.errors import NotFoundLocally, ValidationError
from smmdesk.core.store import (
    OrderQuery,
    OrderState,
    add_panel,
    apply_statuses,
    count_orders,
    mark_placed,
    query_orders,
    record_sending,
    track,
)
from smmdesk.protocol import CANCELED, COMPLETED, IN_PROGRESS

MAY_1 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def orders(db, make_service):
    """Five orders on two panels, one a day from May 1st 10:00 UTC."""
    main = add_panel(db, "Main", "https://main.example/api/v2")
    other = add_panel(db, "Other", "https://other.example/api/v2")
    service = make_service("1", name="Instagram Followers")
    made = {}
    rows = [
        ("a", main, "https://instagram.com/shop_one", "alice 50%", "9001", COMPLETED),
        ("b", main, "https://instagram.com/p/xyz", "bob", "9002", IN_PROGRESS),
        ("c", other, "https://tiktok.com/@carol", None, "9003", COMPLETED),
        ("d", other, "https://youtube.com/watch?v=1", "alice", None, None),  # still sending
        ("e", main, "https://instagram.com/shop_two", "dave", "123", CANCELED),
    ]
    for day, (key, panel, link, reference, remote_id, status) in enumerate(rows):
        order = record_sending(
            db,
            panel.id,
            service,
            {"link": link, "quantity": "100"},
            reference=reference,
            at=MAY_1 + timedelta(days=day),
        )
        if remote_id:
            mark_placed(db, order.id, remote_id)
            apply_statuses(db, panel.id, {remote_id: OrderStatus(status, status)})
        made[key] = order.id
    return made


def keys(orders, found):
    by_id = {order_id: key for key, order_id in orders.items()}
    return [by_id[o.id] for o in found]


def test_everything_newest_first_by_default(db, orders):
    found = query_orders(db)
    assert keys(orders, found) == ["e", "d", "c", "b", "a"]
    assert count_orders(db) == 5
    assert found[0].panel_name == "Main"


def test_by_panel_in_any_case(db, orders):
    assert keys(orders, query_orders(db, OrderQuery(panel="other"))) == ["d", "c"]
    with pytest.raises(NotFoundLocally):
        query_orders(db, OrderQuery(panel="Nope"))


def test_by_status_in_any_spelling(db, orders):
    assert keys(orders, query_orders(db, OrderQuery(status="done"))) == ["c", "a"]
    both = OrderQuery(status=("Completed", "cancelled"))
    assert keys(orders, query_orders(db, both)) == ["e", "c", "a"]
    assert count_orders(db, both) == 3
    with pytest.raises(ValidationError, match='"complet" is not an order status'):
        query_orders(db, OrderQuery(status="complet"))


def test_by_state(db, orders):
    assert keys(orders, query_orders(db, OrderQuery(state=OrderState.SENDING))) == ["d"]


def test_open_only_lists_what_is_still_refreshed(db, orders):
    assert keys(orders, query_orders(db, OrderQuery(open_only=True))) == ["b"]


def test_by_dates_since_inclusive_until_exclusive(db, orders):
    since = OrderQuery(since=MAY_1 + timedelta(days=3))
    assert keys(orders, query_orders(db, since)) == ["e", "d"]
    until = OrderQuery(until=MAY_1 + timedelta(days=1))
    assert keys(orders, query_orders(db, until)) == ["a"]


def test_a_plain_date_means_whole_days(db, orders):
    one_day = OrderQuery(since=date(2024, 5, 2), until=date(2024, 5, 2))
    assert keys(orders, query_orders(db, one_day)) == ["b"]
    assert keys(orders, query_orders(db, OrderQuery(until=date(2024, 5, 3)))) == ["c", "b", "a"]


def test_other_time_zones_are_compared_in_utc(db, orders):
    plus_five = timezone(timedelta(hours=5))
    # May 2nd 14:00 at UTC+5 is May 2nd 09:00 UTC: before order b (10:00 UTC).
    query = OrderQuery(since=datetime(2024, 5, 2, 14, 0, tzinfo=plus_five))
    assert keys(orders, query_orders(db, query)) == ["e", "d", "c", "b"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("shop", ["e", "a"]),  # part of the link
        ("INSTAGRAM.COM/P", ["b"]),  # any case
        ("alice", ["d", "a"]),  # the reference
        ("%", ["a"]),  # LIKE wildcards are plain characters
        ("_", ["e", "a"]),
        ("9003", ["c"]),  # the remote id
        ("#2", ["b"]),  # the local id only
    ],
)
def test_by_text(db, orders, text, expected):
    assert keys(orders, query_orders(db, OrderQuery(text=text))) == expected


def test_a_number_matches_the_local_id_and_remote_ids(db, orders):
    # "1": local order #1 (a), remote ids containing 1 (9001, 123), links with 1.
    found = keys(orders, query_orders(db, OrderQuery(text="1")))
    assert found == ["e", "d", "a"]


def test_filters_combine(db, orders):
    query = OrderQuery(panel="Main", status="completed", text="shop")
    assert keys(orders, query_orders(db, query)) == ["a"]


def test_sorting_and_paging(db, orders):
    oldest_first = OrderQuery(order_by="created_at", limit=2)
    assert keys(orders, query_orders(db, oldest_first)) == ["a", "b"]
    page_two = OrderQuery(order_by="created_at", limit=2, offset=2)
    assert keys(orders, query_orders(db, page_two)) == ["c", "d"]
    assert count_orders(db, page_two) == 5
    by_remote = query_orders(db, OrderQuery(order_by="remote_id", state=OrderState.PLACED))
    assert [o.remote_id for o in by_remote] == ["123", "9001", "9002", "9003"]
    by_panel = keys(orders, query_orders(db, OrderQuery(order_by="-panel")))
    assert by_panel[:2] == ["d", "c"]
    with pytest.raises(ValueError, match="cannot sort orders by"):
        query_orders(db, OrderQuery(order_by="link"))


def test_tracked_orders_are_in_history_too(db, orders):
    main_id = query_orders(db, OrderQuery(panel="Main"))[0].panel_id
    track(db, main_id, "5555", reference="from the site")
    assert [o.remote_id for o in query_orders(db, OrderQuery(text="from the site"))] == ["5555"]
