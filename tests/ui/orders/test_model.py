"""OrdersModel over the local history: one page at a time, sorting in SQL (and in Python
exactly as SQL does), updates that keep the rows what the database says, Qt's model contract
(qtmodeltester). No panel is involved: orders come from the store.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from smmdesk.core import store
from smmdesk.core.api.models import OrderStatus
from smmdesk.core.desk import Desk
from smmdesk.core.store import OrderQuery, query_orders
from smmdesk.core.store.history import SORT_KEYS
from smmdesk.ui.orders.columns import COLUMNS, sort_key
from smmdesk.ui.orders.model import OrdersModel
from tests.helpers.orders_view import many_orders, seed_history, shown_ids


@pytest.fixture
def history_desk(tmp_path, keystore, make_service):
    """A Desk whose store has the seven orders of ``seed_history`` (no panel contacted)."""
    desk = Desk(tmp_path / "data", keystore)
    desk.ids = seed_history(desk.db, make_service)
    yield desk
    desk.db.close()


# --- the model ---------------------------------------------------------------------------


def test_the_model_passes_qt_model_tester_while_paging(history_desk, qtmodeltester):
    model = OrdersModel(history_desk.read, page=3)
    model.set_query(OrderQuery())
    qtmodeltester.check(model)  # stays attached: the steps below are checked too
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 7
    model.refresh_rows(list(history_desk.ids.values()))
    assert model.rowCount() == 7


def test_the_model_passes_qt_model_tester_while_sorting_filtering_updating(
    history_desk, qtmodeltester
):
    # One page holds everything here: Qt's tester calls fetchMore while a reset is still in
    # flight (from its own modelReset slot), which it then reports as an insert during reset.
    model = OrdersModel(history_desk.read, page=50)
    model.set_query(OrderQuery())
    qtmodeltester.check(model)
    charge = next(i for i, c in enumerate(COLUMNS) if c.sort == "charge")
    model.sort(charge, Qt.SortOrder.DescendingOrder)
    store.apply_statuses(
        history_desk.db,
        store.get_panel(history_desk.db, "Main").id,
        {"9002": OrderStatus("Completed", "Completed", charge=Decimal("99"))},
    )
    model.refresh_rows([history_desk.ids["b"]])  # moves to the top: the highest charge
    assert model.order_at(0).id == history_desk.ids["b"]
    model.set_filters(OrderQuery(status="Completed"))
    assert model.rowCount() == 3


def test_opening_over_many_orders_reads_one_page(history_desk, make_service):
    many_orders(history_desk.db, make_service, 450)
    model = OrdersModel(history_desk.read)
    model.set_query(OrderQuery(panel="Bulk"))
    assert model.rowCount() == 200 and model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == 450 and not model.canFetchMore()
    expected = [o.id for o in query_orders(history_desk.db, OrderQuery(panel="Bulk"))]
    assert shown_ids(model) == expected


@pytest.mark.parametrize("column", [i for i, c in enumerate(COLUMNS) if c.sort])
@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_clicking_a_column_sorts_as_the_database_does(history_desk, column, order):
    model = OrdersModel(history_desk.read, page=2)
    model.set_query(OrderQuery())
    model.sort(column, order)
    while model.canFetchMore():
        model.fetchMore()
    name = COLUMNS[column].sort
    order_by = f"-{name}" if order == Qt.SortOrder.DescendingOrder else name
    expected = query_orders(history_desk.db, OrderQuery(order_by=order_by))
    assert shown_ids(model) == [o.id for o in expected]
    assert model.sort_column() == (column, order)


@pytest.mark.parametrize("order_by", [*SORT_KEYS, *(f"-{k}" for k in SORT_KEYS)])
def test_rows_are_placed_in_python_where_sqlite_puts_them(history_desk, order_by):
    """The model inserts changed rows by a Python key: it must agree with ORDER BY."""
    found = query_orders(history_desk.db, OrderQuery(order_by=order_by))
    assert sorted(found, key=sort_key(order_by)) == found
    assert sorted(reversed(found), key=sort_key(order_by)) == found


@pytest.mark.parametrize(
    "order_by", ["-created_at", "charge", "-charge", "status", "-remote_id", "-updated_at"]
)
@pytest.mark.parametrize("filtered", [False, True])
def test_after_each_update_the_rows_are_what_the_database_says(
    history_desk, make_service, order_by, filtered
):
    """New orders and status changes, held rows or not: the model still holds exactly the
    first rows of the query's result, and paging on gives the rest without gaps or twins."""
    db, rng = history_desk.db, random.Random(order_by)
    panel = store.get_panel(db, "Main")
    query = OrderQuery(order_by=order_by, status=("Completed", "Pending") if filtered else None)
    model = OrdersModel(history_desk.read, page=3)
    model.set_query(query)
    statuses = ["Pending", "In progress", "Completed", "Canceled"]
    for round_ in range(6):
        new = []
        for n in range(rng.randrange(0, 5)):
            remote_id = f"{round_}{n}{rng.randrange(1000)}"
            order = store.record_sending(db, panel.id, make_service("1"), {"link": f"r{n}"})
            store.mark_placed(db, order.id, remote_id)
            new.append(order.id)
        placed = query_orders(db, OrderQuery(panel="Main", state="placed"))
        touched = rng.sample(placed, k=min(len(placed), rng.randrange(1, 6)))
        answers = {
            o.remote_id: OrderStatus(
                status := rng.choice(statuses), status, charge=Decimal(rng.randrange(0, 50))
            )
            for o in touched
        }
        store.apply_statuses(db, panel.id, answers)
        model.refresh_rows([*new, *(o.id for o in touched)])
        expected = [o.id for o in query_orders(db, query)]
        assert shown_ids(model) == expected[: model.rowCount()], f"round {round_}"
        if not model.canFetchMore():  # never claims to hold everything when it does not
            assert model.rowCount() == len(expected), f"round {round_}"
    while model.canFetchMore():
        model.fetchMore()
    assert shown_ids(model) == [o.id for o in query_orders(db, query)]


def test_many_new_rows_at_once_keep_the_view_to_a_page(history_desk, make_service):
    model = OrdersModel(history_desk.read, page=3)
    model.set_query(OrderQuery())
    many_orders(history_desk.db, make_service, 10)  # all newer than the rows held
    bulk = [o.id for o in query_orders(history_desk.db, OrderQuery(panel="Bulk"))]
    model.refresh_rows(bulk)
    assert shown_ids(model) == bulk[:3] and model.canFetchMore()
    while model.canFetchMore():
        model.fetchMore()
    assert shown_ids(model) == [o.id for o in query_orders(history_desk.db, OrderQuery())]


def test_a_big_count_says_more_than_at_once_then_the_exact_figure(history_desk, qtbot):
    """Past ``quick`` matches the counter tells "more than" first (the view shows "More
    than N orders (counting…)"), then the exact count; a small count is told once."""
    from smmdesk.ui.orders.counting import Counter

    counter = Counter(history_desk.read.file_name, quick=3)
    said: list[tuple[int, bool]] = []
    counter.counted.connect(lambda total, more: said.append((total, more)))
    try:
        counter.count(OrderQuery())
        qtbot.waitUntil(lambda: len(said) == 2, timeout=10_000)
        assert said == [(3, True), (7, False)]
        counter.count(OrderQuery(panel="other"))
        qtbot.waitUntil(lambda: len(said) == 3, timeout=10_000)
        assert said[2][1] is False and said[2][0] <= 3
    finally:
        counter.close()
    assert store.count_orders(history_desk.db, OrderQuery(), at_most=3) == 4  # "more than 3"
    assert store.count_orders(history_desk.db, OrderQuery(), at_most=10) == 7
