"""One order, the same words: the orders table, the CLI's orders table and the export say
the status and the cost of an order alike (smmdesk.core.vocabulary): a lost order, an order
whose outcome is unknown, an order refused, one with its cost estimated and one charged."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from smmdesk.cli.common import ORDER_HEADERS, order_row
from smmdesk.core import store
from smmdesk.core.api.models import ItemError, OrderStatus
from smmdesk.core.desk import Desk
from smmdesk.core.export import export_orders
from smmdesk.core.store import LOST_AFTER
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.jobs import Jobs
from smmdesk.ui.orders import OrdersPane
from smmdesk.ui.orders.columns import COLUMNS, STATUS_COLUMN

CHARGE_COLUMN = next(i for i, c in enumerate(COLUMNS) if c.title == "Charge")
CLI_COST, CLI_STATUS = ORDER_HEADERS.index("COST"), ORDER_HEADERS.index("STATUS")


@pytest.fixture
def orders(tmp_path, keystore, make_service):
    """A Desk with five orders (key -> local id), placed on a panel that is never asked."""
    desk = Desk(tmp_path / "data", keystore)
    panel = store.add_panel(desk.db, "Main", "https://main.example/api/v2")
    service = make_service("2", name="Instagram Likes", rate="0.35")

    def sent(link: str) -> store.Order:
        params = {"link": link, "quantity": "100"}
        return store.record_sending(
            desk.db, panel.id, service, params, expected_cost=Decimal("0.035"), currency="USD"
        )

    ids = {}
    for key, remote_id in (("estimated", "11"), ("charged", "12"), ("lost", "13")):
        ids[key] = store.mark_placed(desk.db, sent(f"https://ig.com/{key}").id, remote_id).id
    ids["unknown"] = store.mark_unknown(desk.db, sent("https://ig.com/u").id, "No answer.").id
    ids["refused"] = store.mark_failed(desk.db, sent("https://ig.com/r").id, "No funds.").id
    charged = OrderStatus("Completed", "Completed", Decimal("0.03500"), 5, 0, "USD")
    pending = OrderStatus("Pending", "Pending")  # the panel has not said the charge yet
    store.apply_statuses(desk.db, panel.id, {"12": charged, "13": pending})
    for _ in range(LOST_AFTER):
        store.apply_statuses(desk.db, panel.id, {"13": ItemError("Incorrect order ID")})
    desk.ids = ids
    yield desk
    desk.db.close()


def test_the_window_the_cli_and_the_export_say_the_same(orders, qtbot, tmp_path):
    pane = OrdersPane(orders, DeskEvents(orders), Jobs())
    qtbot.addWidget(pane)
    model = pane.model
    window = {
        model.order_at(r).id: (
            model.index(r, STATUS_COLUMN).data(),
            model.index(r, CHARGE_COLUMN).data(),
        )
        for r in range(model.rowCount())
    }
    cli = {}
    for order_id in orders.ids.values():
        row = order_row(store.get_order(orders.db, order_id))
        cli[order_id] = (row[CLI_STATUS], row[CLI_COST])
    path = tmp_path / "orders.csv"
    export_orders(orders.db, path)
    exported = {
        int(r["id"]): (r["status_text"], r["cost_text"])
        for r in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    }

    expected = {
        "estimated": ("Pending", "~0.035 USD"),
        "charged": ("Completed", "0.035 USD"),
        "lost": ("Pending (lost)", "~0.035 USD"),
        "unknown": ("Outcome unknown", ""),
        "refused": ("Not placed", ""),
    }
    for key, order_id in orders.ids.items():
        assert cli[order_id] == exported[order_id] == expected[key], key
        status, cost = window[order_id]
        assert status == expected[key][0], key
        # the window's lists show every amount with two decimals (the exact one in the tip)
        assert cost == expected[key][1].replace("0.035", "0.04"), key
