"""The Desk and smmdesk.core.ordering over a real data folder and the demo panel.

Placing every type, the exactly-once ledger (placed / failed / unknown) under the demo's
fault injection, warnings, the remembered subscription refusal, tracking, cancel, refill,
export to CSV (bytes checked), and orders a dead process left "sending".
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from smmdesk.core import sending, store
from smmdesk.core.desk import Desk
from smmdesk.core.errors import (
    AddOutcomeUnknown,
    ConfigError,
    InsufficientFunds,
    NotFoundLocally,
    SubscriptionsRefused,
    UpstreamFailure,
    ValidationError,
)
from smmdesk.core.export import export_orders
from smmdesk.core.store.sql import now
from smmdesk.demo.server import DemoPanel

POST = "https://instagram.com/p/Cx1"

# service id -> (fields, expected cost) for every demo type the API accepts
EVERY_TYPE: dict[str, tuple[dict[str, str], str]] = {
    "1": ({"link": POST, "quantity": "100", "runs": "3", "interval": "10"}, "0.27"),
    "2": ({"link": POST, "quantity": "1000"}, "0.35"),
    "3": ({"link": POST, "quantity": "100", "keywords": "a,b"}, "0.21"),
    "4": ({"link": POST, "comments": "\n".join(f"c{i}" for i in range(10))}, "0.08"),
    "5": ({"link": POST, "comments": "\n".join(f"comment {n}" for n in range(10))}, "12.50"),
    "6": ({"link": POST}, "25.00"),
    "7": ({"link": POST, "quantity": "100", "answer_number": "1"}, "0.12"),
    "8": ({"link": POST, "quantity": "100", "groups": "g1\ng2"}, "0.30"),
    "10": ({"link": POST, "quantity": "100", "usernames": "a,b"}, "0.40"),
    "11": ({"link": POST, "quantity": "100", "usernames": "a", "hashtags": "#b"}, "0.45"),
    "12": ({"link": POST, "usernames": "\n".join(f"u{i}" for i in range(10))}, "0.06"),
    "13": ({"link": POST, "quantity": "100", "hashtag": "sun"}, "0.42"),
    "14": ({"link": POST, "quantity": "100", "username": "nike"}, "0.44"),
    "15": ({"link": POST, "quantity": "100", "media": POST}, "0.46"),
    "16": ({"link": POST, "quantity": "20", "username": "bob"}, "0.05"),
    "17": (
        {"link": POST, "quantity": "500", "country": "US", "device": "2", "type_of_traffic": "3"},
        "0.30",
    ),
    "18": ({"link": POST, "quantity": "50"}, "0.075"),
}
SUBSCRIPTION = {"username": "mychannel", "min": "10", "max": "20", "delay": "0"}


@pytest.fixture
def demo_panel() -> Iterator[DemoPanel]:
    """The demo panel with its clock moving only by ``advance()`` (statuses predictable)."""
    with DemoPanel(clock_speed=0) as panel:
        yield panel


def test_every_type_is_placed_at_the_cost_the_panel_charges(
    desk: Desk, demo_panel: Any, run: Any
) -> None:
    for service, (values, cost) in EVERY_TYPE.items():
        placed = run(desk.place_order("demo", service, values, reference=f"r{service}"))
        order = placed.order
        assert order.state == store.OrderState.PLACED and order.remote_id, service
        assert order.expected_cost == Decimal(cost), service
        on_panel = demo_panel.order(order.remote_id)
        assert on_panel["charge"] == Decimal(cost), service
        assert on_panel["fields"] == dict(order.params), service
        assert (order.reference, order.source) == (f"r{service}", "form")
        assert bool(placed.warnings) == (service == "18"), service  # the unknown type
    assert demo_panel.requests["add"] == len(EVERY_TYPE)


def test_ledger_states_under_faults(desk: Desk, demo_panel: Any, run: Any) -> None:
    values = {"link": POST, "quantity": "100"}

    assert run(desk.place_order("demo", "2", values)).order.state == "placed"
    # the request went out, then the answer was lost or unreadable: the fate is unknown
    for fault in ("drop_before", "drop_after", "html_502", "malformed"):
        demo_panel.inject(fault, action="add")
        with pytest.raises(AddOutcomeUnknown) as raised:
            run(desk.place_order("demo", "2", values))
        assert "NOT sent again" in str(raised.value)
    assert demo_panel.requests["add"] == 5  # each sent once: never resent
    unknown = store.query_orders(desk.db, store.OrderQuery(state="unknown", order_by="id"))
    assert [o.id for o in unknown] == [2, 3, 4, 5]
    assert all(o.remote_id is None and o.error for o in unknown)

    on_panel = [o["id"] for o in demo_panel.orders()]  # #1, then drop_after's, malformed's
    assert len(on_panel) == 3
    assert store.resolve_unknown(desk.db, 2, None).state == "failed"  # drop_before: not there
    assert store.resolve_unknown(desk.db, 3, on_panel[1]).remote_id == on_panel[1]
    assert store.get_order(desk.db, 3).state == "placed"

    demo_panel.set_balance(Decimal("0"))
    with pytest.raises(InsufficientFunds):
        run(desk.place_order("demo", "2", values))
    failed = store.get_order(desk.db, 6)
    assert failed.state == "failed" and "(panel said: " in (failed.error or "")

    with pytest.raises(ValidationError) as invalid:  # nothing recorded, nothing sent
        run(desk.place_order("demo", "2", {"link": POST, "quantity": "1"}))
    assert [p.field for p in invalid.value.problems] == ["quantity"]
    assert store.count_orders(desk.db) == 6 and demo_panel.requests["add"] == 6


def test_warnings_and_the_remembered_subscription_refusal(
    desk: Desk, demo_panel: Any, run: Any
) -> None:
    demo_panel.set_balance(Decimal("10"))
    run(desk.refresh_balance("demo"))
    demo_panel.set_balance(Decimal("100"))  # topped up since: the panel decides
    placed = run(desk.place_order("demo", "6", {"link": POST}))
    assert placed.order.state == "placed"
    assert placed.warnings == (
        "The expected cost 25.00 USD is more than the last known balance 10.00 USD of demo: "
        "the panel will likely refuse it. Add funds on the panel's site first.",
    )

    assert not desk.panel("demo").refuses_subscriptions
    with pytest.raises(SubscriptionsRefused) as refused:
        run(desk.place_order("demo", "9", SUBSCRIPTION))
    assert refused.value.panel_message  # the panel's own words are kept
    assert desk.panel("demo").refuses_subscriptions
    with pytest.raises(ValidationError) as up_front:  # remembered: refused before sending
        run(desk.prepare_order("demo", "9", SUBSCRIPTION))
    assert SubscriptionsRefused.default_message in str(up_front.value)
    assert "smmdesk-cli panel set demo subscriptions auto" in str(up_front.value)
    assert store.count_orders(desk.db) == 2  # the placed one and the refused one: no third


def test_track_cancel_and_refill(desk: Desk, demo_panel: Any, run: Any) -> None:
    on_site = demo_panel.place_on_site("9", SUBSCRIPTION)
    tracked = run(desk.track_orders("demo", [on_site, " ", on_site, "424242"], reference="c7"))
    assert [(o.remote_id, o.state, o.status) for o in tracked.orders] == [
        (on_site, "tracked", "Pending")
    ]
    assert tracked.orders[0].reference == "c7"
    assert tracked.errors == {"424242": "demo has no order 424242 (Incorrect order ID)."}

    likes = run(desk.place_order("demo", "2", {"link": POST, "quantity": "100"})).order
    outcomes = run(desk.cancel_orders("demo", [likes.remote_id, on_site, "424242"]))
    assert [(o.remote_id, o.ok, o.order_id) for o in outcomes] == [
        (likes.remote_id, True, likes.id),
        (on_site, True, tracked.orders[0].id),
        ("424242", False, None),
    ]
    assert outcomes[0].message == "cancel requested"
    notes = [e.note for e in store.order_events(desk.db, likes.id) if e.source == "cancel"]
    assert notes == ["Cancel requested."]
    assert demo_panel.order(likes.remote_id)["cancel_requested"] is True

    followers = run(desk.place_order("demo", "1", {"link": f"{POST}#complete", "quantity": "100"}))
    remote = followers.order.remote_id
    early = run(desk.refill_orders("demo", [remote]))
    assert not early[0].ok and "Completed or Partial" in early[0].message
    demo_panel.advance(400)
    [refill] = run(desk.refill_orders("demo", [remote]))
    assert refill.ok and refill.refill_id and refill.order_id == followers.order.id
    kept = store.refills_for(desk.db, followers.order.id)
    assert [r.refill_id for r in kept] == [None, refill.refill_id]  # the refusal is kept too

    with pytest.raises(ConfigError):
        run(desk.cancel_orders("demo", [" "]))


def test_export_csv_bytes_for_excel(desk: Desk, run: Any, tmp_path: Path) -> None:
    references = ["=1+2", "+SUM(A1)", "-3", "@cmd", "\tTab", "\rCR", "Zoë's shop", "plain"]
    for reference in references:
        run(desk.place_order("demo", "2", {"link": POST, "quantity": "100"}, reference=reference))
    run(desk.place_order("demo", "2", {"link": "=HYPERLINK(1)", "quantity": "100"}))
    path = tmp_path / "out.csv"
    assert export_orders(desk.db, path) == 9  # every order, by id

    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + b"id,panel,remote_id,")
    assert data.endswith(b"\r\n") and data.count(b"\r\n") >= 10
    assert "Zoë's shop".encode() in data
    assert desk.keys.get("demo").encode() not in data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [r["reference"] for r in rows[:8]] == [
        "'=1+2", "'+SUM(A1)", "'-3", "'@cmd", "'\tTab", "'\rCR", "Zoë's shop", "plain",
    ]  # fmt: skip
    assert rows[8]["link"] == "'=HYPERLINK(1)"
    assert rows[0]["expected_cost"] == "0.03500" and rows[0]["quantity"] == "100"
    assert not (tmp_path / "out.csv.part").exists()


def test_orders_left_sending_by_a_dead_process_become_unknown(
    desk: Desk, keystore: Any, run: Any
) -> None:
    prepared = run(desk.prepare_order("demo", "2", {"link": POST, "quantity": "100"}))
    service = prepared.service
    params = prepared.draft.params
    old = store.record_sending(
        desk.db, prepared.panel.id, service, params, at=now() - timedelta(hours=1)
    )
    # another process may be sending this one right now
    fresh = sending.record(desk.db, prepared, owner=desk.mark.token)
    again = Desk(desk.folder, keystore)
    try:
        assert [o.id for o in again.stale_sending] == [old.id]
        assert store.get_order(again.db, old.id).state == "unknown"
        assert store.get_order(again.db, fresh.id).state == "sending"
    finally:
        run(again.aclose())


def test_remove_panel_keeps_history_unless_purged(desk: Desk, run: Any) -> None:
    run(desk.place_order("demo", "2", {"link": POST, "quantity": "100"}))
    with pytest.raises(ConfigError, match="still has 1 order"):
        run(desk.remove_panel("demo"))
    assert desk.keys.get("demo")
    run(desk.remove_panel("demo", purge=True))
    assert desk.panels() == [] and store.count_orders(desk.db) == 0
    with pytest.raises(NotFoundLocally):
        desk.keys.get("demo")


def test_service_fetches_a_missing_catalog(
    keystore: Any, demo_panel: Any, run: Any, tmp_path: Path
) -> None:
    fresh = Desk(tmp_path / "fresh", keystore)
    try:
        run(fresh.add_panel("demo", demo_panel.url, demo_panel.key))
        service = run(fresh.service("demo", "2"))  # no catalog saved yet: fetched now
        assert service.name == "Instagram Likes [Fast]"
        placed = run(fresh.place_order("demo", "6", {"link": POST}))
        assert placed.order.state == "placed"
    finally:
        run(fresh.aclose())


def test_a_cancel_of_many_keeps_what_the_panel_did_when_a_later_batch_fails(
    desk: Desk, demo_panel: Any, run: Any
) -> None:
    ids = demo_panel.seed_orders(150, service_id="2")
    run(desk.track_orders("demo", ids))
    demo_panel.inject("json_502", "cancel", after=1)  # the second batch (ids 101..150) fails

    outcomes = run(desk.cancel_orders("demo", ids))

    assert [o.remote_id for o in outcomes] == ids
    assert all(o.ok for o in outcomes[:100])
    assert not any(o.ok for o in outcomes[100:])
    assert "try again" in outcomes[120].message.lower()
    first = store.find_order(desk.db, 1, ids[0])
    assert first is not None
    notes = [e.note for e in store.order_events(desk.db, first.id) if e.source == "cancel"]
    assert notes == ["Cancel requested."]  # recorded although a later batch failed
    assert demo_panel.order(ids[0])["cancel_requested"] is True
    assert demo_panel.order(ids[120])["cancel_requested"] is False

    demo_panel.inject("json_502", "cancel")  # the first batch fails: nothing happened
    with pytest.raises(UpstreamFailure):
        run(desk.cancel_orders("demo", ids[120:]))


def test_an_add_canceled_mid_request_is_unknown_not_left_sending(
    desk: Desk, demo_panel: Any, run: Any
) -> None:
    demo_panel.latency = 1.0  # the panel takes its time to answer

    async def scenario() -> None:
        sending = asyncio.ensure_future(
            desk.place_order("demo", "2", {"link": POST, "quantity": "100"})
        )
        async with asyncio.timeout(10):
            while not demo_panel.requests["add"]:  # the add has reached the panel
                await asyncio.sleep(0.005)
        sending.cancel()  # the window is closed, or Ctrl+C
        with pytest.raises(asyncio.CancelledError):
            await sending

    run(scenario())
    [order] = store.query_orders(desk.db)
    assert order.state == "unknown" and order.remote_id is None
    assert order.error == store.STOPPED_WHILE_SENDING
    assert demo_panel.requests["add"] == 1
