"""The demo panel's dialect profiles, as a plain HTTP client sees them: each accepts no more
than the panels it stands for (smmdesk.demo.dialects)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from smmdesk.demo.server import DemoPanel
from tests.demo.test_panel import Api


@pytest.fixture
def perfect() -> Iterator[tuple[DemoPanel, Api]]:
    with DemoPanel(clock_speed=0, dialect="perfectpanel") as panel, Api(panel) as api:
        yield panel, api


@pytest.fixture
def smart() -> Iterator[tuple[DemoPanel, Api]]:
    with DemoPanel(clock_speed=0, dialect="smartpanel") as panel, Api(panel) as api:
        yield panel, api


def test_reference_batch_status_is_multistatus_only() -> None:
    with DemoPanel(clock_speed=0) as panel, Api(panel) as api:
        order = api.add("2", link="https://i/a", quantity="10")
        assert api.error(400, "status", orders=order) == "Missing field: order"
        assert api.ok("multiStatus", orders=order)[order]["status"] == "Pending"
        assert api.error(401, "balance", key="wrong") == "Invalid API key"


def test_perfectpanel_errors_come_in_200_and_status_takes_orders(perfect) -> None:
    panel, api = perfect
    order = api.add("2", link="https://i/a", quantity="10")
    assert api.ok("status", orders=f"{order},1") == {
        order: api.ok("status", order=order),
        "1": {"error": "Incorrect order ID"},
    }
    assert api.error(200, "multiStatus", orders=order) == "Incorrect request"
    assert api.error(200, "balance", key="wrong") == "Invalid API key"
    assert api.error(200, "status", order="1") == "Incorrect order ID"
    assert api.ok("cancel", orders=f"{order},1") == [
        {"order": int(order), "cancel": 1},
        {"order": 1, "cancel": {"error": "Incorrect order ID"}},
    ]
    assert panel.shapes["status?orders"] == 1 and panel.requests["multiStatus"] == 1


def test_perfectpanel_splits_lists_on_lines_and_wants_d_m_y(perfect) -> None:
    panel, api = perfect
    commas = api.add("10", link="https://i/p", quantity="100", usernames="@a, @b, @c")
    lines = api.add("10", link="https://i/p", quantity="100", usernames="@a\n@b\n@c")
    assert panel.order(commas)["items"] == {"usernames": ["@a, @b, @c"]}  # one item
    assert panel.order(lines)["items"] == {"usernames": ["@a", "@b", "@c"]}
    sub = {"username": "shop", "min": "10", "max": "20", "delay": "0"}
    assert "d/m/Y" in api.error(200, "add", service="9", expiry="2030-12-31", **sub)
    assert api.add("9", expiry="31/12/2030", **sub)  # subscriptions by API: accepted


def test_smartpanel_lives_at_v1_and_words_a_wrong_key_as_not_found(smart) -> None:
    panel, api = smart
    assert panel.url.endswith("/api/v1")
    with httpx.Client(trust_env=False) as http:
        v2 = http.post(panel.url.replace("/api/v1", "/api/v2"), data={"key": panel.key})
    assert v2.status_code == 403 and v2.headers["content-type"].startswith("text/html")
    assert (
        api.error(200, "balance", key="nope") == "API is Disable for this user or User Not Found!"
    )
    assert api.error(200, "cancel", orders="1") == "This action is Invalid"
    assert api.error(200, "multiStatus", orders="1") == "This action is Invalid"


def test_smartpanel_catalog_is_wrapped_snake_case_and_silent_on_refill(smart) -> None:
    _panel, api = smart
    answer = api.ok("services")
    assert answer["status"] == "success"
    first = answer["data"][0]
    assert "refill" not in first and "cancel" not in first and "dripfeed" not in first
    assert {s["type"] for s in answer["data"]} >= {"custom_comments", "package", "default"}
    assert first["desc"]


def test_smartpanel_wants_quantity_and_refills_by_order_only(smart) -> None:
    _panel, api = smart
    response = api("add", service="6", link="https://youtube.com/c/x")
    assert response.status_code == 200
    assert response.json() == {"status": "error", "message": "Quantity is required"}
    order = api.add("6", link="https://youtube.com/c/x", quantity="1")
    assert api.error(200, "refill", orders=order) == "Incorrect order ID"  # reads order= only
    sub = {"username": "shop", "min": "10", "max": "20", "delay": "0"}
    assert api("add", service="9", **sub).json()["message"] == "Bad Link"


def test_smartpanel_mangles_fields_and_checks_dripfeed_on_the_total(smart) -> None:
    panel, api = smart
    order = api.add(
        "4",
        link="https://i/p?a=1+2",
        comments="I <3 this\n" + "\n".join(f"comment {n}" for n in range(12)),
    )
    seen = panel.order(order)
    assert seen["link"] == "https://i/p?a=1 2"  # decoded twice
    assert seen["items"] == {"comments": ["I"]}  # strip_tags cut the rest
    # service 1: 50..10000; 4000 per run x 3 runs = 12000 > 10000
    big = api("add", service="1", link="https://i/a", quantity="4000", runs="3", interval="5")
    assert "maximal" in big.json()["message"]
    drip = api.add("1", link="https://i/a", quantity="3000", runs="3", interval="5")
    assert api.ok("status", order=drip) == {"status": "Pending", "runs": "3", "orders": []}


def test_smartpanel_pending_shows_remains_zero_and_errors_as_pending(smart) -> None:
    panel, api = smart
    order = api.add("2", link="https://i/a#error", quantity="100")
    assert api.ok("status", order=order)["remains"] == "0"
    panel.advance(3)
    assert api.ok("status", order=order)["status"] == "In progress"
    panel.advance(1000)
    assert panel.order(order)["status"] == "Failed"
    assert api.ok("status", order=order)["status"] == "Pending"  # its own error state


def test_request_id_required_and_repeated_gets_the_first_answer() -> None:
    with DemoPanel(clock_speed=0, require_request_id=True) as panel, Api(panel) as api:
        fields = {"link": "https://i/a", "quantity": "10"}
        assert api.error(400, "add", service="2", **fields) == "request_id is required"
        first = api.add("2", request_id="r-1", **fields)
        assert api.add("2", request_id="r-1", **fields) == first
        assert len(panel.orders()) == 1 and panel.balance() == Decimal("999.99650")
