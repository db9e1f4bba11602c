"""The whole protocol path against every dialect profile of the demo panel (reference read
literally, Perfect-Panel-like, SmartPanel-like): add a panel (what it speaks is detected),
place every type, refresh, cancel (or a clear "no cancel"), refill, import. Each profile is
as strict as the panels it stands for, and counts what arrived on the wire."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from typing import Any

import pytest

from smmdesk.core import store
from smmdesk.core.api import Batch, BatchStatus
from smmdesk.core.desk import Desk
from smmdesk.core.errors import BadKey, InvalidResponse, Unsupported, ValidationError
from smmdesk.core.importer import read_order_file
from smmdesk.core.importer.submit import submit
from smmdesk.core.importer.validate import validate
from smmdesk.core.refresh import refresh
from smmdesk.demo.dialects import DIALECTS, PROFILES
from smmdesk.demo.server import DemoPanel

COMMENTS = "\n".join(f"Comment {n} with + plus" for n in range(10))
USERNAMES = "\n".join(f"@friend{n}" for n in range(12))


@pytest.fixture(params=DIALECTS)
def panel(request: Any) -> Iterator[DemoPanel]:
    with DemoPanel(clock_speed=0, dialect=request.param) as served:
        yield served


@pytest.fixture
def desk(tmp_path: Any, keystore: Any, panel: DemoPanel, run: Any) -> Iterator[Desk]:
    the_desk = Desk(tmp_path / "data", keystore)
    # the URL a user copies: /api/v2 (the SmartPanel one lives at /api/v1)
    run(the_desk.add_panel("p", panel.url.replace("/api/v1", "/api/v2"), panel.key))
    panel.reset_counters()
    try:
        yield the_desk
    finally:
        run(the_desk.aclose())


EXPECTED = {
    "reference": (BatchStatus.MULTI_STATUS, True, Batch.BATCH, Batch.BATCH, ""),
    "perfectpanel": (BatchStatus.STATUS_ORDERS, True, Batch.BATCH, Batch.BATCH, ""),
    "smartpanel": (BatchStatus.STATUS_ORDERS, False, Batch.SINGLE, Batch.SINGLE, "smartpanel"),
}


def test_adding_a_panel_finds_its_api_and_what_it_speaks(desk: Desk, panel: DemoPanel) -> None:
    saved = desk.panel("p")
    assert saved.url == panel.url  # /api/v1 found for the SmartPanel one
    d = saved.dialect
    assert (d.batch_status, d.cancel, d.refill, d.refill_status, d.family) == EXPECTED[
        panel.dialect
    ]
    profile = PROFILES[panel.dialect]
    assert d.quantity_always is profile.quantity_always
    assert d.dripfeed_total is profile.dripfeed_total_bounds
    assert saved.refuses_subscriptions is (profile.subscriptions == "bad_link")
    assert (d.expiry_format == "%Y-%m-%d") is (profile.expiry_format == "%Y-%m-%d")
    assert store.load_catalog(desk.db, saved.id)  # the catalog came along


def test_every_type_is_placed_as_the_panel_reads_it(desk: Desk, panel: DemoPanel, run: Any) -> None:
    orders = {
        "1": {"link": "https://ig.com/a", "quantity": "100"},
        "3": {"link": "https://shop.example", "quantity": "100", "keywords": "bread\ncake"},
        "4": {"link": "https://ig.com/p/1", "comments": COMMENTS},
        "5": {"link": "https://ig.com/p/2", "comments": COMMENTS},
        "6": {"link": "https://youtube.com/c/x"},
        "7": {"link": "https://x.com/poll", "quantity": "100", "answer_number": "2"},
        "8": {"link": "https://t.me/x", "quantity": "100", "groups": "g1\ng2"},
        "10": {"link": "https://ig.com/p/3", "quantity": "100", "usernames": "@a, @b, @c"},
        "11": {"link": "https://ig.com/p/4", "quantity": "100", "usernames": "@a\n@b",
               "hashtags": "#x, #y"},
        "12": {"link": "https://ig.com/p/5", "usernames": USERNAMES},
        "16": {"link": "https://ig.com/p/6", "quantity": "100", "username": "author"},
    }  # fmt: skip
    placed = {}
    for service, fields in orders.items():
        result = run(desk.place_order("p", service, fields))
        placed[service] = panel.order(result.order.remote_id)
    assert panel.requests["add"] == len(orders)  # each sent once
    # list fields arrive one item per line, so every panel splits them right
    assert placed["10"]["items"]["usernames"] == ["@a", "@b", "@c"]
    assert placed["11"]["items"]["hashtags"] == ["#x", "#y"]
    assert placed["3"]["items"]["keywords"] == ["bread", "cake"]
    assert len(placed["12"]["items"]["usernames"]) == 12
    if PROFILES[panel.dialect].quantity_always:  # sent for packages and counted types
        assert placed["6"]["fields"]["quantity"] == "1"
        assert placed["12"]["fields"]["quantity"] == "12"
        assert "quantity" not in placed["4"]["fields"]  # custom comments: counted by the panel


def test_a_panel_that_mangles_characters_gets_a_warning(
    desk: Desk, panel: DemoPanel, run: Any
) -> None:
    fields = {"link": "https://ig.com/p/1", "comments": COMMENTS}
    prepared = run(desk.prepare_order("p", "4", fields))
    warned = any("'+' becomes a space" in w for w in prepared.warnings)
    assert warned is PROFILES[panel.dialect].decodes_twice


def test_dripfeed_bounds_are_checked_as_the_panel_checks_them(
    desk: Desk, panel: DemoPanel, run: Any
) -> None:
    # service 1: 50..10,000; 4,000 per run x 3 runs = 12,000
    fields = {"link": "https://ig.com/a", "quantity": "4000", "runs": "3", "interval": "5"}
    if PROFILES[panel.dialect].dripfeed_total_bounds:
        with pytest.raises(ValidationError, match="whole drip-feed"):
            run(desk.place_order("p", "1", fields))
        assert panel.requests["add"] == 0  # refused before sending
    else:
        run(desk.place_order("p", "1", fields))
        assert panel.requests["add"] == 1


def seed(desk: Desk, panel: DemoPanel, count: int, **options: Any) -> list[int]:
    remote = panel.seed_orders(count, **options)
    panel_id = desk.panel("p").id
    with store.transaction(desk.db):
        return [store.track(desk.db, panel_id, r).id for r in remote]


def test_refresh_asks_in_the_panels_batch_call(desk: Desk, panel: DemoPanel, run: Any) -> None:
    ids = seed(desk, panel, 250)
    changes = run(refresh(desk))
    assert changes.errors == {} and changes.checked == 250
    shape = "multiStatus?orders" if panel.dialect == "reference" else "status?orders"
    assert panel.shapes[shape] == math.ceil(250 / 100)
    assert panel.shapes["status?order"] == 0  # never one call per order
    assert {store.get_order(desk.db, i).status for i in ids} == {"In progress"}


def test_a_wrong_remembered_guess_is_found_out_and_nothing_is_lost(
    desk: Desk, panel: DemoPanel, run: Any
) -> None:
    # what the first version did everywhere: status&orders= (the reference refuses it)
    wrong = "multiStatus" if panel.dialect != "reference" else "status_orders"
    desk.set_dialect("p", "batch_status", "auto")
    desk.client("p").dialect = desk.panel("p").dialect.learned(batch_status=BatchStatus(wrong))
    ids = seed(desk, panel, 150)
    for _ in range(4):
        changes = run(refresh(desk))
        assert changes.errors == {} and changes.lost == frozenset()
    assert all(not store.get_order(desk.db, i).lost for i in ids)
    assert desk.panel("p").dialect.batch_status is EXPECTED[panel.dialect][0]


def test_a_disabled_key_is_a_key_problem_and_loses_no_order(
    desk: Desk, panel: DemoPanel, run: Any
) -> None:
    ids = seed(desk, panel, 5)
    panel.set_disabled(True)  # the panel's admin switched the account's API off
    for _ in range(4):
        changes = run(refresh(desk))
        assert "API key" in changes.errors["p"] and "Check the id" not in changes.errors["p"]
    assert all(not store.get_order(desk.db, i).lost for i in ids)
    assert {store.get_order(desk.db, i).not_found_count for i in ids} == {0}
    panel.set_disabled(False)
    assert run(refresh(desk)).checked == 5  # a plain refresh asks for them all again


def test_cancel_or_a_clear_no_cancel(desk: Desk, panel: DemoPanel, run: Any) -> None:
    placed = run(desk.place_order("p", "2", {"link": "https://ig.com/a", "quantity": "100"}))
    remote = placed.order.remote_id
    if PROFILES[panel.dialect].has_cancel:
        [outcome] = run(desk.cancel_orders("p", [remote]))
        assert outcome.ok and panel.order(remote)["cancel_requested"]
    else:
        with pytest.raises(Unsupported, match="no cancel action"):
            run(desk.cancel_orders("p", [remote]))
        assert panel.requests["cancel"] == 0  # known from detection: nothing sent


def test_refill_of_a_completed_order(desk: Desk, panel: DemoPanel, run: Any) -> None:
    fields = {"link": "https://ig.com/a#complete", "quantity": "100"}
    remote = run(desk.place_order("p", "1", fields)).order.remote_id
    panel.advance(2000)
    [outcome] = run(desk.refill_orders("p", [remote]))
    assert outcome.ok and outcome.refill_id == "501"
    changes = run(refresh(desk, order_ids=(), balances=False, refills=True))
    assert changes.errors == {}
    shape = "refill?order" if panel.dialect == "smartpanel" else "refill?orders"
    assert panel.shapes[shape] == 1


def test_an_import_places_each_row_once(desk: Desk, panel: DemoPanel, run: Any) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, ["service", "link", "quantity", "usernames"])
    writer.writeheader()
    writer.writerows(
        [
            {"service": "2", "link": "https://ig.com/1", "quantity": "100"},
            {"service": "2", "link": "https://ig.com/2", "quantity": "100"},
            {"service": "10", "link": "https://ig.com/3", "quantity": "100",
             "usernames": "@a\n@b"},
        ]
    )  # fmt: skip
    file = read_order_file(out.getvalue().encode(), name="orders.csv")
    report = run(submit(desk, run(validate(desk, file, panel="p"))))
    assert report.placed_now == 3 and panel.requests["add"] == 3
    again = run(submit(desk, run(validate(desk, file, panel="p"))))
    assert again.placed_now == 0 and panel.requests["add"] == 3


def test_a_panel_that_requires_request_id(tmp_path: Any, keystore: Any, run: Any) -> None:
    with DemoPanel(clock_speed=0, require_request_id=True) as strict:
        desk = Desk(tmp_path / "data", keystore)
        try:
            run(desk.add_panel("p", strict.url, strict.key))
            fields = {"link": "https://ig.com/a", "quantity": "100"}
            first = run(desk.place_order("p", "2", fields))
            assert desk.panel("p").dialect.request_id
            second = run(desk.place_order("p", "2", fields))
            assert strict.requests["add"] == 3  # the refused first try, then one each
            assert len(strict.orders()) == 2 and first.order.remote_id != second.order.remote_id
            sent = strict.order(second.order.remote_id)["fields"]
            assert "request_id" not in sent  # the panel keeps it apart from the order
        finally:
            run(desk.aclose())


def test_a_panel_without_batch_status_is_asked_one_order_at_a_time(
    tmp_path: Any, keystore: Any, run: Any
) -> None:
    with DemoPanel(clock_speed=0, dialect="nobatch") as served:
        desk = Desk(tmp_path / "data", keystore)
        try:
            run(desk.add_panel("p", served.url, served.key))
            assert desk.panel("p").dialect.batch_status is BatchStatus.ONE_BY_ONE
            remote = served.seed_orders(7)
            with store.transaction(desk.db):
                ids = [store.track(desk.db, desk.panel("p").id, r).id for r in remote]
            served.reset_counters()
            changes = run(refresh(desk))
            assert changes.checked == 7 and changes.errors == {}
            assert served.shapes["status?order"] == 7
            assert {store.get_order(desk.db, i).status for i in ids} == {"In progress"}
        finally:
            run(desk.aclose())


def test_errors_name_the_real_cause(tmp_path: Any, keystore: Any, run: Any) -> None:
    with DemoPanel(dialect="smartpanel") as served:
        desk = Desk(tmp_path / "data", keystore)
        try:
            with pytest.raises(BadKey) as wrong_key:
                run(desk.add_panel("p", served.url, "not-the-key"))
            assert "Check the id" not in str(wrong_key.value)
            site = served.url.replace("/api/v1", "/somewhere")
            with pytest.raises(InvalidResponse, match="not a panel API address"):
                run(desk.add_panel("p", site, served.key))
            assert desk.panels() == []
        finally:
            run(desk.aclose())


def test_pending_again_after_in_progress_is_kept_with_a_note(
    desk: Desk, panel: DemoPanel, run: Any
) -> None:
    placed = run(desk.place_order("p", "2", {"link": "https://ig.com/a#error", "quantity": "100"}))
    order_id = placed.order.id
    run(refresh(desk))
    pending = store.get_order(desk.db, order_id)
    zero_first = PROFILES[panel.dialect].pending_remains_zero  # "0" is not "delivered"
    assert pending.status == "Pending" and pending.remains == (None if zero_first else 100)
    panel.advance(3)
    run(refresh(desk))
    assert store.get_order(desk.db, order_id).status == "In progress"
    panel.advance(2000)
    run(refresh(desk))
    after = store.get_order(desk.db, order_id)
    if PROFILES[panel.dialect].failed_as_pending:
        assert after.status == "Pending" and not after.final
        note = store.order_events(desk.db, order_id)[-1].note or ""
        assert "Pending again after In progress" in note
    else:
        assert after.status == "Failed" and after.final


@pytest.mark.parametrize("fault", ["drop_after", "malformed", "html_502"])
def test_with_request_id_a_broken_answer_is_resent_safely(
    tmp_path: Any, keystore: Any, run: Any, fault: str
) -> None:
    with DemoPanel(clock_speed=0, require_request_id=True) as strict:
        desk = Desk(tmp_path / "data", keystore)
        try:
            run(desk.add_panel("p", strict.url, strict.key))
            desk.set_dialect("p", "request_id", "yes")
            strict.inject(fault, action="add")
            placed = run(desk.place_order("p", "2", {"link": "https://ig.com/a", "quantity": "10"}))
            assert placed.order.state == "placed"
            assert [o["id"] for o in strict.orders()] == [placed.order.remote_id]  # one order
            assert strict.requests["add"] == 2  # the broken answer, then the same id again
        finally:
            run(desk.aclose())


def test_the_window_offers_cancel_only_where_the_panel_has_it(
    desk: Desk, panel: DemoPanel, run: Any
) -> None:
    from smmdesk.core.availability import can_cancel, can_refill

    placed = run(desk.place_order("p", "2", {"link": "https://ig.com/a", "quantity": "100"}))
    saved = desk.panel("p")
    service = store.get_service(desk.db, saved.id, "2")
    offered = can_cancel(placed.order, service, saved.dialect)
    if PROFILES[panel.dialect].has_cancel:
        assert offered
    else:
        assert not offered and "no cancel in its API" in offered.reason
    assert not can_refill(placed.order, service, saved.dialect.learned(refill=Batch.NONE))


def test_one_chunk_the_batch_call_refuses_is_asked_order_by_order_once(
    tmp_path: Any, keystore: Any, run: Any
) -> None:
    with DemoPanel(clock_speed=0) as served:  # the reference: multiStatus
        desk = Desk(tmp_path / "data", keystore)
        try:
            run(desk.add_panel("p", served.url, served.key))
            remote = served.seed_orders(3)
            with store.transaction(desk.db):
                for r in remote:
                    store.track(desk.db, desk.panel("p").id, r)
            served.reset_counters()
            # this chunk's batch call, and the call that finds out again, get a web page
            served.inject("html_200", action="multiStatus", times=2)
            changes = run(refresh(desk, balances=False, refills=False))
            assert changes.errors == {} and changes.checked == 3
            assert served.shapes["status?order"] == 3  # this once, one by one
            assert desk.panel("p").dialect.batch_status is BatchStatus.MULTI_STATUS  # kept
            served.reset_counters()
            assert run(refresh(desk, balances=False, refills=False)).checked == 3
            assert served.shapes == {"multiStatus?orders": 1}
        finally:
            run(desk.aclose())


def test_a_catalog_unreadable_while_adding_does_not_stop_the_panel(
    tmp_path: Any, keystore: Any, run: Any
) -> None:
    with DemoPanel(clock_speed=0) as served:
        desk = Desk(tmp_path / "data", keystore)
        try:
            served.inject("html_200", action="services")  # a protection page, this once
            panel = run(desk.add_panel("p", served.url, served.key))
            assert panel.dialect.batch_status is BatchStatus.MULTI_STATUS
            assert store.catalog_age(desk.db, panel.id) is None  # not kept as empty
            assert len(run(desk.catalog("p"))) == 18  # fetched when first needed
        finally:
            run(desk.aclose())
