"""Panels in the store: adding, finding, balances, refusals, removal that keeps history."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from smmdesk.core.errors import ConfigError, NotFoundLocally
from smmdesk.core.store import (
    add_panel,
    add_refill,
    count_orders,
    get_panel,
    get_panel_by_id,
    list_panels,
    load_catalog,
    mark_placed,
    price_history,
    record_sending,
    remove_panel,
    save_catalog,
    set_balance,
    set_refuses_subscriptions,
    update_panel,
)

URL = "https://panel.example/api/v2"


def test_a_new_panel_has_defaults_and_is_found_by_name_in_any_case(db):
    panel = add_panel(db, "  Main ", URL)
    assert (panel.name, panel.url, panel.rate_limit) == ("Main", URL, 1000)
    assert panel.balance is None and panel.currency is None
    assert panel.refuses_subscriptions is False
    assert panel.created_at.tzinfo is not None
    assert get_panel(db, "main") == panel
    assert get_panel_by_id(db, panel.id) == panel


def test_names_are_unique_whatever_the_case(db):
    add_panel(db, "Main", URL)
    with pytest.raises(ConfigError, match='A panel named "MAIN" already exists'):
        add_panel(db, "MAIN", "https://other.example/api/v2")


@pytest.mark.parametrize("name", ["", "   ", "x" * 61, "tab\tname"])
def test_unusable_names_are_refused(db, name):
    with pytest.raises(ConfigError, match="panel name"):
        add_panel(db, name, URL)


def test_a_missing_panel_is_a_sentence_listing_the_known_ones(db):
    add_panel(db, "Main", URL)
    add_panel(db, "Backup", URL)
    with pytest.raises(NotFoundLocally) as caught:
        get_panel(db, "Mian")
    assert str(caught.value) == (
        'smmdesk has no panel named "Mian" (panels: Backup, Main). Check the name, or add '
        "the panel first."
    )


def test_list_is_by_name(db):
    for name in ("zeta", "Alpha", "beta"):
        add_panel(db, name, URL)
    assert [p.name for p in list_panels(db)] == ["Alpha", "beta", "zeta"]


def test_balance_is_kept_as_an_exact_decimal_with_its_time(db):
    panel = add_panel(db, "Main", URL)
    at = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    updated = set_balance(db, panel.id, Decimal("100.84292"), "USD", at=at)
    assert updated.balance == Decimal("100.84292")
    assert (updated.currency, updated.balance_at) == ("USD", at)
    tiny = set_balance(db, panel.id, Decimal("0.00000001"), "USD")
    assert get_panel(db, "Main").balance == Decimal("0.00000001") == tiny.balance
    with pytest.raises(ValueError):
        set_balance(db, panel.id, Decimal("NaN"), "USD")


def test_subscription_refusal_is_remembered_and_can_be_undone(db):
    panel = add_panel(db, "Main", URL)
    set_refuses_subscriptions(db, panel.id)
    assert get_panel(db, "Main").refuses_subscriptions is True
    set_refuses_subscriptions(db, panel.id, False)
    assert get_panel(db, "Main").refuses_subscriptions is False


def test_url_and_request_budget_can_change(db):
    panel = add_panel(db, "Main", URL, rate_limit=300)
    assert panel.rate_limit == 300
    changed = update_panel(db, panel.id, url="https://moved.example/api/v2", rate_limit=120)
    assert (changed.url, changed.rate_limit) == ("https://moved.example/api/v2", 120)
    with pytest.raises(ConfigError, match="requests per minute"):
        update_panel(db, panel.id, rate_limit=0)
    with pytest.raises(NotFoundLocally):
        set_refuses_subscriptions(db, 999)


def test_removing_a_panel_without_orders_takes_its_catalog_along(db, make_service):
    panel = add_panel(db, "Main", URL)
    save_catalog(db, panel.id, [make_service("1")])
    removed = remove_panel(db, "main")
    assert removed.name == "Main"
    assert list_panels(db) == []
    assert load_catalog(db, panel.id) == []
    assert price_history(db, panel.id, "1") == []


def test_removing_a_panel_with_orders_is_refused_unless_purged(db, make_service):
    panel = add_panel(db, "Main", URL)
    service = make_service("1")
    order = record_sending(db, panel.id, service, {"link": "https://x", "quantity": "100"})
    mark_placed(db, order.id, "501")
    add_refill(db, order.id, "77")
    with pytest.raises(ConfigError, match="still has 1 order") as caught:
        remove_panel(db, "Main")
    assert "purge" in str(caught.value)
    assert get_panel(db, "Main") == panel
    assert count_orders(db) == 1

    remove_panel(db, "Main", purge=True)
    assert list_panels(db) == []
    for table in ("orders", "order_events", "refills", "services"):
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
