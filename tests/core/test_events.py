"""The Desk's event hub: every Desk write publishes what it changed (a plain list listens).

Against the demo panel over loopback and a real data folder, as ``test_desk.py``.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest

from smmdesk.core import backup
from smmdesk.core.desk import Desk
from smmdesk.core.errors import AddOutcomeUnknown
from smmdesk.core.events import Changed, Hub
from smmdesk.core.importer.validate import validate
from smmdesk.core.refresh import Changes, refresh
from smmdesk.core.settings import Settings
from tests.core.importer.test_submit import likes, order_file

POST = "https://instagram.com/p/Cx1"
LIKES = {"link": POST, "quantity": "100"}


@pytest.fixture
def heard(desk: Desk) -> list[Changed]:
    told: list[Changed] = []
    desk.events.subscribe(told.append)
    return told


def merged(told: list[Changed]) -> Changed:
    total = Changed()
    for one in told:
        total = total.merge(one)
    told.clear()
    return total


def test_a_failing_subscriber_is_logged_and_the_others_still_hear(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hub, told = Hub(), []

    def broken(_changed: Changed) -> None:
        raise KeyError("a bug")

    hub.subscribe(broken)
    hub.subscribe(told.append)
    hub.subscribe(told.append)  # once is enough
    with caplog.at_level(logging.ERROR, logger="smmdesk.core.events"):
        hub.publish(Changed(panels=True))
    assert told == [Changed(panels=True)]
    assert "A subscriber to the Desk's events failed" in caplog.text
    hub.publish(Changed())  # says nothing: nobody is told
    hub.unsubscribe(told.append)
    hub.unsubscribe(told.append)  # not subscribed any more: nothing happens
    hub.publish(Changed(business=True))
    assert told == [Changed(panels=True)] and len(hub) == 1


def test_changed_merges_ids_in_order_and_refresh_results() -> None:
    first = Changed(orders_added=(3, 1), balances=frozenset({"a"}), refresh=Changes(checked=2))
    second = Changed(orders_added=(1, 5), catalogs=frozenset({"b"}), refresh=Changes(checked=3))
    both = first.merge(second)
    assert both.orders_added == (3, 1, 5)
    assert both.balances == {"a"} and both.catalogs == {"b"}
    assert both.refresh is not None and both.refresh.checked == 5
    refreshed = Changed.from_refresh(Changes(changed=frozenset({4}), lost=frozenset({2})))
    assert refreshed.orders_changed == (2, 4) and refreshed.refresh is not None


def test_panel_writes_publish_panels_balances_and_catalogs(
    desk: Desk, demo_panel: Any, run: Any, heard: list[Changed]
) -> None:
    run(desk.add_panel("second", demo_panel.url, demo_panel.key))
    added = merged(heard)
    assert added.panels and added.balances == {"second"} and added.catalogs == {"second"}

    run(desk.refresh_balance("demo"))
    assert heard == [Changed(balances=frozenset({"demo"}))]
    heard.clear()
    run(desk.refresh_catalog("demo"))
    assert heard == [Changed(catalogs=frozenset({"demo"}))]
    heard.clear()
    desk.set_dialect("demo", "batch_status", "multiStatus")
    assert merged(heard).panels
    run(desk.update_panel("demo", rate_limit=600))
    assert merged(heard) == Changed(panels=True)
    run(desk.remove_panel("second"))
    assert merged(heard) == Changed(panels=True)


def test_order_writes_publish_the_orders_they_touched(
    desk: Desk, demo_panel: Any, run: Any, heard: list[Changed]
) -> None:
    placed = run(desk.place_order("demo", "2", LIKES)).order
    assert heard == [Changed(orders_added=(placed.id,))]
    heard.clear()

    demo_panel.inject("drop_after", action="add")
    with pytest.raises(AddOutcomeUnknown):
        run(desk.place_order("demo", "2", LIKES))
    [unknown] = merged(heard).orders_added  # recorded before the answer was lost
    assert desk.read.get_order(unknown).state == "unknown"
    desk.resolve_unknown(unknown, None)
    assert heard == [Changed(orders_changed=(unknown,))]
    heard.clear()

    on_site = demo_panel.place_on_site("2", LIKES)
    tracked = run(desk.track_orders("demo", [on_site])).orders
    assert heard == [Changed(orders_added=(tracked[0].id,))]
    heard.clear()
    run(desk.cancel_orders("demo", [placed.remote_id]))
    assert heard == [Changed(orders_changed=(placed.id,))]
    heard.clear()

    demo_panel.advance(400)
    changes = run(refresh(desk))
    told = merged(heard)
    assert told.refresh_started and told.refresh == changes
    assert set(told.orders_changed) == set(changes.changed | changes.lost) != set()
    assert told.balances == {"demo"}
    run(desk.refill_orders("demo", [placed.remote_id]))
    assert heard == [Changed(orders_changed=(placed.id,))]


def test_business_writes_publish_business_and_sales_the_order(
    desk: Desk, run: Any, heard: list[Changed]
) -> None:
    order = run(desk.place_order("demo", "2", LIKES)).order
    panel = desk.panel("demo")
    heard.clear()
    desk.business.set_sale(order.id, sale_price=Decimal("1.50"), customer="ann")
    assert heard == [Changed(orders_changed=(order.id,), business=True)]
    heard.clear()
    rule = desk.business.add_markup("percent", "30")
    assert desk.business.remove_markup(rule.id)
    desk.business.keep_together([(panel.id, "1"), (panel.id, "2")])
    desk.business.set_alone(panel.id, "2")
    assert desk.business.forget_choice(panel.id, "2")
    assert heard == [Changed(business=True)] * 5
    heard.clear()
    assert not desk.business.forget_choice(panel.id, "2")  # nothing to forget: nothing told
    assert heard == []


def test_import_writes_publish_each_order_and_the_import(
    desk: Desk, demo_panel: Any, run: Any, heard: list[Changed]
) -> None:
    demo_panel.inject("drop_after", action="add", times=1)
    preview = run(validate(desk, order_file(likes(3))))
    heard.clear()
    report = run(desk.imports.submit(preview, concurrency=1))
    told = merged(heard)
    recorded = [row.order_id for row in report.rows if row.order_id is not None]
    assert sorted(told.orders_added) == sorted(recorded) and len(recorded) == 3
    assert told.imports
    unknown = next(row for row in report.rows if row.state == "unknown")
    desk.imports.resolve_row(report.import_id, unknown.number, resend=True)
    assert heard == [Changed(orders_changed=(unknown.order_id,), imports=True)]  # type: ignore[arg-type]


def test_a_restore_tells_that_everything_changed(
    desk: Desk, run: Any, heard: list[Changed]
) -> None:
    settings = Settings.load(desk.folder)
    backup.backup_now(desk.folder, settings)
    run(desk.restore(settings, "latest"))
    assert merged(heard).everything
