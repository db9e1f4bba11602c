"""Pages of ids and re-reading given orders through a history query: filters, sort and
paging apply as in query_orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from smmdesk.core.api.models import OrderStatus
from smmdesk.core.errors import NotFoundLocally
from smmdesk.core.store import (
    OrderQuery,
    add_panel,
    apply_statuses,
    mark_placed,
    query_orders,
    record_sending,
)
from smmdesk.core.store.history import order_ids, orders_by_ids
from smmdesk.protocol import COMPLETED, IN_PROGRESS

MAY_1 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def ids(db, make_service):
    """Six orders, one a day: odd ones on panel Main and Completed, even ones on Other."""
    main = add_panel(db, "Main", "https://main.example/api/v2")
    other = add_panel(db, "Other", "https://other.example/api/v2")
    service = make_service("1")
    made = []
    for day in range(6):
        panel = main if day % 2 else other
        link = f"https://instagram.com/{'shop' if day < 3 else 'blog'}_{day}"
        order = record_sending(
            db, panel.id, service, {"link": link, "quantity": "100"}, at=MAY_1 + timedelta(day)
        )
        mark_placed(db, order.id, str(900 + day))
        status = COMPLETED if day % 2 else IN_PROGRESS
        apply_statuses(db, panel.id, {str(900 + day): OrderStatus(status, status)})
        made.append(order.id)
    return made


def test_only_the_given_ids_newest_first(db, ids):
    found = orders_by_ids(db, [ids[0], ids[4], ids[2]])
    assert [o.id for o in found] == [ids[4], ids[2], ids[0]]
    assert found[0].link == "https://instagram.com/blog_4"


def test_filters_apply_to_the_given_ids(db, ids):
    assert [o.id for o in orders_by_ids(db, ids, OrderQuery(panel="main"))] == [
        ids[5],
        ids[3],
        ids[1],
    ]
    assert [o.id for o in orders_by_ids(db, ids[:4], OrderQuery(status="done"))] == [
        ids[3],
        ids[1],
    ]
    assert [o.id for o in orders_by_ids(db, ids, OrderQuery(text="shop"))] == [
        ids[2],
        ids[1],
        ids[0],
    ]
    since = OrderQuery(since=MAY_1 + timedelta(days=4))
    assert [o.id for o in orders_by_ids(db, ids, since)] == [ids[5], ids[4]]


def test_sort_and_limit_apply(db, ids):
    oldest_two = OrderQuery(order_by="created_at", limit=2)
    assert [o.id for o in orders_by_ids(db, ids[2:], oldest_two)] == [ids[2], ids[3]]
    by_remote = OrderQuery(order_by="-remote_id")
    assert [o.remote_id for o in orders_by_ids(db, ids[:3], by_remote)] == ["902", "901", "900"]


def test_no_ids_or_unknown_ids_give_nothing(db, ids):
    assert orders_by_ids(db, []) == []
    assert orders_by_ids(db, [10_000, 10_001]) == []
    with pytest.raises(NotFoundLocally):
        orders_by_ids(db, ids, OrderQuery(panel="Nope"))


def test_order_ids_page_as_query_orders_would(db, ids):
    for query in (
        OrderQuery(),
        OrderQuery(order_by="-remote_id", limit=2, offset=1),
        OrderQuery(panel="main", order_by="charge"),
        OrderQuery(text="blog", order_by="-created_at", limit=2),
    ):
        assert order_ids(db, query) == [o.id for o in query_orders(db, query)]
    assert order_ids(db, OrderQuery(status="Completed", limit=2)) == [ids[5], ids[3]]
