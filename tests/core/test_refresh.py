"""The refresh engine against the demo panel over loopback, with a real SQLite store.

What a reseller would check: every open order gets its status in as few multiStatus calls
as possible, finished orders are reported (and never asked about again unless asked),
orders the panel no longer knows end up lost (kept), balances and refills come along, and a
panel that misbehaves or is down never spoils the others.
"""

from __future__ import annotations

import asyncio
import math
from decimal import Decimal
from typing import Any

import pytest

from smmdesk.core import store
from smmdesk.core.api.models import Balance
from smmdesk.core.errors import NotFoundLocally
from smmdesk.core.refresh import Changes, refresh, refresh_refills
from smmdesk.demo.server import DemoPanel
from smmdesk.protocol import COMPLETED, FINAL_STATUSES, IN_PROGRESS


def track(desk: Any, remote_ids: list[str], panel: str = "demo") -> list[int]:
    """Adopt the panel's orders in the store; their local ids."""
    panel_id = desk.panel(panel).id
    with store.transaction(desk.db):
        return [store.track(desk.db, panel_id, r).id for r in remote_ids]


def panel_status(desk: Any, panel: DemoPanel, order_id: int) -> str:
    """What the panel itself says of one of our orders."""
    return str(panel.order(store.get_order(desk.db, order_id).remote_id)["status"])


@pytest.mark.parametrize("count", [99, 100, 101, 250])
def test_open_orders_are_asked_in_chunks_of_100(
    count: int, desk: Any, demo_panel: DemoPanel, run: Any
) -> None:
    ids = track(desk, demo_panel.seed_orders(count))
    demo_panel.reset_counters()

    changes = run(refresh(desk))

    assert demo_panel.requests["multiStatus"] == math.ceil(count / 100)
    assert demo_panel.requests["status"] == 0  # never one call per order
    assert demo_panel.requests["balance"] == 1  # the balance comes along, once
    assert changes.requests == math.ceil(count / 100) + 1
    assert changes.checked == count
    assert changes.changed == frozenset(ids)  # first status of each: an event each
    assert changes.errors == {}
    assert changes.panels == ("demo",)
    assert {store.get_order(desk.db, i).status for i in ids} == {IN_PROGRESS}


def test_each_chunk_is_written_as_soon_as_it_arrives(
    desk: Any, demo_panel: DemoPanel, run: Any
) -> None:
    track(desk, demo_panel.seed_orders(300))
    demo_panel.latency = 0.2
    in_progress = store.OrderQuery(status=IN_PROGRESS)

    async def scenario() -> tuple[set[int], Changes]:
        running = asyncio.ensure_future(refresh(desk, concurrency=1))
        seen = set()
        while not running.done():  # what a view reading the store meanwhile would show
            seen.add(store.count_orders(desk.db, in_progress))
            await asyncio.sleep(0.02)
        return seen, await running

    seen, changes = run(scenario())
    assert {0, 100, 200} <= seen  # one chunk after another, each visible once it came
    assert changes.checked == 300


def test_mixed_answers_finished_errors_and_lost(desk: Any, demo_panel: DemoPanel, run: Any) -> None:
    demo_panel.clock_speed = 0  # panel time moves only by advance()
    quick = track(desk, demo_panel.seed_orders(2, open_minutes=5))
    slow = track(desk, demo_panel.seed_orders(3))
    stranger = demo_panel.seed_orders(1, key=demo_panel.add_account())  # not our account
    unknown = track(desk, [*stranger, "98765432"])
    demo_panel.advance(10)  # the quick ones complete on the panel

    first = run(refresh(desk))

    assert first.checked == 7
    assert first.finished == {i: panel_status(desk, demo_panel, i) for i in quick}
    assert set(first.finished.values()) <= FINAL_STATUSES
    assert set(first.changed) == {*quick, *slow}  # the errors changed nothing yet
    assert set(first.order_errors) == set(unknown)
    assert all("Incorrect order ID" in m for m in first.order_errors.values())
    assert first.lost == frozenset()
    assert store.get_order(desk.db, slow[0]).status == IN_PROGRESS
    charged = store.get_order(desk.db, quick[0])
    assert charged.charge == demo_panel.order(charged.remote_id)["charge"]  # Decimal, exact
    assert store.get_order(desk.db, unknown[0]).error == "Incorrect order ID"

    second = run(refresh(desk))
    assert second.finished == {} and second.lost == frozenset()
    third = run(refresh(desk))
    assert third.lost == frozenset(unknown)  # the third "Incorrect order ID" in a row
    assert set(unknown) <= third.changed
    for order_id in unknown:
        order = store.get_order(desk.db, order_id)  # kept, never deleted
        assert order.lost and order.status is None
    asked = {remote for _, remote in store.open_orders(desk.db, desk.panel("demo").id)}
    assert asked == {store.get_order(desk.db, i).remote_id for i in slow}


def test_final_orders_are_not_polled_unless_asked(
    desk: Any, demo_panel: DemoPanel, run: Any
) -> None:
    demo_panel.clock_speed = 0  # panel time moves only by advance()
    ids = track(desk, demo_panel.seed_orders(150, open_minutes=5))
    run(refresh(desk))
    demo_panel.advance(10)
    done = run(refresh(desk))
    assert set(done.finished) == set(ids)
    for order_id, status in done.finished.items():
        order = store.get_order(desk.db, order_id)
        assert status in FINAL_STATUSES
        assert status == order.status == demo_panel.order(order.remote_id)["status"]

    demo_panel.reset_counters()
    idle = run(refresh(desk))
    assert demo_panel.requests["multiStatus"] == 0
    assert idle.checked == 0 and idle.changed == frozenset()

    everything = run(refresh(desk, include_final=True))
    assert demo_panel.requests["multiStatus"] == 2
    assert everything.checked == 150
    assert everything.finished == {}  # already final: nothing newly finished

    demo_panel.reset_counters()
    chosen = run(refresh(desk, order_ids=[ids[0], ids[7]]))
    assert chosen.checked == 2
    assert demo_panel.requests["multiStatus"] == 1
    assert demo_panel.requests["balance"] == 0  # chosen orders: statuses only


def test_chosen_orders_of_several_panels(desk: Any, demo_panel: DemoPanel, run: Any) -> None:
    with DemoPanel() as other:
        run(desk.add_panel("other", other.url, other.key))
        here = track(desk, demo_panel.seed_orders(3))
        there = track(desk, other.seed_orders(2), panel="other")
        demo_panel.reset_counters()
        other.reset_counters()

        changes = run(refresh(desk, order_ids=[here[1], there[0], there[1]]))
        assert changes.checked == 3
        assert changes.changed == frozenset({here[1], *there})
        assert store.get_order(desk.db, here[0]).status is None  # not chosen: not asked
        assert other.requests["multiStatus"] == 1

        only_other = run(refresh(desk, panels=["other"], order_ids=[here[0], there[0]]))
        assert only_other.checked == 1  # the order of "demo" is outside the panels asked


def test_balances_and_pending_refills_come_along(
    desk: Any, demo_panel: DemoPanel, run: Any
) -> None:
    demo_panel.clock_speed = 0  # panel time moves only by advance()
    remote = demo_panel.seed_orders(1, open_minutes=5)
    [order_id] = track(desk, remote)
    demo_panel.advance(10)
    run(refresh(desk))
    [outcome] = run(desk.refill_orders("demo", remote))
    assert outcome.ok
    [refill] = store.refills_for(desk.db, order_id)
    demo_panel.set_balance("42.10")

    changes = run(refresh(desk))
    assert changes.balances == {"demo": Balance(Decimal("42.10"), "USD")}
    assert desk.panel("demo").balance == Decimal("42.10")
    assert changes.refills_changed == frozenset({refill.id})  # Pending: its first status

    demo_panel.advance(120)  # the refill completes on the panel
    demo_panel.reset_counters()
    only_refills = run(refresh_refills(desk))
    assert only_refills.refills_finished == frozenset({refill.id})
    assert store.refills_for(desk.db, order_id)[0].status == COMPLETED
    assert demo_panel.requests["balance"] == demo_panel.requests["multiStatus"] == 0

    demo_panel.reset_counters()
    run(refresh(desk))
    assert demo_panel.requests["refill_status"] == 0  # final refills are not asked again


def test_an_html_502_is_retried(desk: Any, demo_panel: DemoPanel, run: Any) -> None:
    ids = track(desk, demo_panel.seed_orders(150))
    demo_panel.reset_counters()
    demo_panel.inject("html_502", "multiStatus")

    changes = run(refresh(desk))

    assert changes.errors == {}
    assert changes.checked == 150 and changes.changed == frozenset(ids)
    assert demo_panel.requests["multiStatus"] == 3  # two chunks, one of them twice


def test_a_panel_down_does_not_stop_the_others(desk: Any, demo_panel: DemoPanel, run: Any) -> None:
    other = DemoPanel().start()
    try:
        run(desk.add_panel("other", other.url, other.key))
        mine = track(desk, demo_panel.seed_orders(120))
        track(desk, other.seed_orders(5), panel="other")
    finally:
        other.stop()

    changes = run(refresh(desk))

    assert set(changes.errors) == {"other"}
    assert "could not connect" in changes.errors["other"]
    assert changes.checked == 120 and changes.changed == frozenset(mine)
    assert set(changes.balances) == {"demo"}
    assert changes.panels == ("demo", "other")
    assert store.get_order(desk.db, mine[-1]).status == IN_PROGRESS


def test_pacing_keeps_under_the_panels_limit(desk: Any, demo_panel: DemoPanel, run: Any) -> None:
    # A panel allowing 3 requests per 2 s, and smmdesk told so (the minute, shrunk).
    demo_panel.rate_limit = 3
    demo_panel.app.limiter.window = 2.0
    run(desk.update_panel("demo", rate_limit=3))
    desk.pacers.get(demo_panel.url).span = 2.5
    track(desk, demo_panel.seed_orders(250))

    changes = run(refresh(desk))

    assert demo_panel.rate_limited == 0  # 4 requests, the 4th waited for the window
    assert changes.errors == {} and changes.checked == 250
    assert changes.elapsed > 1.0


def test_a_429_is_waited_out(desk: Any, demo_panel: DemoPanel, run: Any) -> None:
    # The panel is stricter than smmdesk believes: 2 requests per 2 s.
    demo_panel.rate_limit = 2
    demo_panel.app.limiter.window = 2.0
    ids = track(desk, demo_panel.seed_orders(250))
    demo_panel.reset_counters()

    changes = run(refresh(desk))

    assert demo_panel.rate_limited >= 1  # it did answer 429 ...
    assert changes.errors == {}  # ... and smmdesk waited Retry-After and asked again
    assert changes.checked == 250 and changes.changed == frozenset(ids)


def test_unknown_panel_or_order_fails_before_sending(
    desk: Any, demo_panel: DemoPanel, run: Any
) -> None:
    demo_panel.reset_counters()
    with pytest.raises(NotFoundLocally, match="nope"):
        run(refresh(desk, panels=["nope"]))
    with pytest.raises(NotFoundLocally):
        run(refresh(desk, order_ids=[424242]))
    assert sum(demo_panel.requests.values()) == 0


def test_changes_merge() -> None:
    a = Changes(
        changed=frozenset({1, 2}),
        finished={2: COMPLETED},
        errors={"x": "down"},
        checked=2,
        requests=3,
        elapsed=1.0,
        panels=("x",),
    )
    b = Changes(
        changed=frozenset({3}), lost=frozenset({4}), checked=1, requests=1, panels=("y", "x")
    )
    both = a.merge(b)
    assert both.changed == frozenset({1, 2, 3}) and both.lost == frozenset({4})
    assert both.finished == {2: COMPLETED} and both.errors == {"x": "down"}
    assert (both.checked, both.requests, both.elapsed) == (3, 4, 1.0)
    assert both.panels == ("x", "y")
    assert both.has_changes and not Changes(balances={"x": Balance(Decimal(1), "USD")}).has_changes
