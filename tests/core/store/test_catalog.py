"""Catalog snapshots, what a refresh changed, and the price history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from smmdesk.core.errors import NotFoundLocally
from smmdesk.core.store import (
    add_panel,
    catalog_age,
    get_service,
    load_catalog,
    price_history,
    save_catalog,
)

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def panel(db):
    return add_panel(db, "Main", "https://panel.example/api/v2")


def test_a_saved_catalog_reads_back_equal_with_exact_rates(db, panel, make_service):
    services = [
        make_service("1", rate="0.90", dripfeed=True, refill=True, cancel=True),
        make_service("4", rate="8", type="Custom Comments"),
        make_service("18", rate="1.50", type="Story Reactions", extra={"note": "new"}),
    ]
    changes = save_catalog(db, panel.id, services, fetched_at=T0)
    assert changes.first and changes.added == tuple(services)
    loaded = load_catalog(db, panel.id)
    assert loaded == services  # numeric ids in number order: 1, 4, 18
    assert loaded[2].type_name is None and loaded[2].type == "Story Reactions"
    assert loaded[2].extra == {"note": "new"}
    assert isinstance(loaded[0].rate, Decimal) and loaded[0].rate == Decimal("0.90")
    assert loaded[0].dripfeed and loaded[0].refill and loaded[0].cancel


def test_a_refresh_reports_added_removed_and_price_changes(db, panel, make_service):
    save_catalog(db, panel.id, [make_service("1"), make_service("2", rate="0.35")], T0)
    changes = save_catalog(
        db,
        panel.id,
        [make_service("1", rate="1.10"), make_service("3", rate="2.10")],
        T0 + timedelta(hours=1),
    )
    assert not changes.first
    assert [s.id for s in changes.added] == ["3"]
    assert [s.id for s in changes.removed] == ["2"]
    [change] = changes.price_changes
    assert (change.service_id, change.old_rate, change.new_rate) == (
        "1",
        Decimal("0.90"),
        Decimal("1.10"),
    )
    assert [s.id for s in load_catalog(db, panel.id)] == ["1", "3"]


def test_the_same_rate_written_differently_is_no_change(db, panel, make_service):
    save_catalog(db, panel.id, [make_service("1", rate="0.90")], T0)
    changes = save_catalog(db, panel.id, [make_service("1", rate="0.9")], T0)
    assert changes.empty
    assert len(price_history(db, panel.id, "1")) == 1


def test_price_history_keeps_the_first_sighting_and_every_change(db, panel, make_service):
    rates = ["0.90", "0.90", "1.00", "1.00", "0.95"]
    for hour, rate in enumerate(rates):
        save_catalog(db, panel.id, [make_service("1", rate=rate)], T0 + timedelta(hours=hour))
    history = price_history(db, panel.id, "1")
    assert [(p.rate, p.seen_at) for p in history] == [
        (Decimal("0.90"), T0),
        (Decimal("1.00"), T0 + timedelta(hours=2)),
        (Decimal("0.95"), T0 + timedelta(hours=4)),
    ]


def test_a_removed_service_keeps_its_history_and_comes_back_quietly(db, panel, make_service):
    save_catalog(db, panel.id, [make_service("1"), make_service("2")], T0)
    save_catalog(db, panel.id, [make_service("1")], T0 + timedelta(hours=1))
    assert len(price_history(db, panel.id, "2")) == 1
    back = save_catalog(db, panel.id, [make_service("1"), make_service("2")], T0)
    assert [s.id for s in back.added] == ["2"]
    assert len(price_history(db, panel.id, "2")) == 1  # same rate: no new point


def test_get_service_and_a_missing_one_says_to_refresh(db, panel, make_service):
    save_catalog(db, panel.id, [make_service("7", type="Poll")], T0)
    assert get_service(db, panel.id, "7").type_name == "Poll"
    with pytest.raises(NotFoundLocally) as caught:
        get_service(db, panel.id, "8")
    assert 'panel "Main" has no service 8' in str(caught.value)
    assert "Refresh the catalog" in str(caught.value)


def test_catalog_age(db, panel, make_service):
    assert catalog_age(db, panel.id) is None
    save_catalog(db, panel.id, [], T0)  # an empty catalog was still fetched
    assert catalog_age(db, panel.id, at=T0 + timedelta(minutes=90)) == timedelta(minutes=90)


def test_catalogs_of_two_panels_stay_apart(db, panel, make_service):
    other = add_panel(db, "Other", "https://other.example/api/v2")
    save_catalog(db, panel.id, [make_service("1", rate="0.90")], T0)
    save_catalog(db, other.id, [make_service("1", rate="5.00")], T0)
    assert get_service(db, panel.id, "1").rate == Decimal("0.90")
    assert get_service(db, other.id, "1").rate == Decimal("5.00")


def test_saving_for_a_missing_panel_is_refused(db, make_service):
    with pytest.raises(NotFoundLocally):
        save_catalog(db, 42, [make_service("1")])


def test_a_catalog_of_thousands_of_services_round_trips(db, panel, make_service):
    services = [make_service(str(i), rate=f"{i % 97}.{i % 10}") for i in range(1, 5001)]
    save_catalog(db, panel.id, services, T0)
    bumped = [make_service(s.id, rate=str(s.rate + 1)) if int(s.id) % 2 else s for s in services]
    changes = save_catalog(db, panel.id, bumped, T0 + timedelta(hours=1))
    assert len(changes.price_changes) == 2500
    assert len(load_catalog(db, panel.id)) == 5000
