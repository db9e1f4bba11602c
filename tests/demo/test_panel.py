"""The demo panel as a plain HTTP client sees it (httpx over loopback, not our client)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from smmdesk.demo.errors import ApiError
from smmdesk.demo.limits import RateLimiter
from smmdesk.demo.server import DemoPanel, main
from smmdesk.demo.validation import SUBSCRIPTIONS_REFUSED

REPO = Path(__file__).resolve().parents[2]
SUBSCRIPTION = {"username": "shop.example", "min": "10", "max": "20", "delay": "0", "posts": "3"}


class Api:
    """Form POSTs to a panel, with short assertions on the answer."""

    def __init__(self, panel: DemoPanel) -> None:
        self.panel = panel
        self.http = httpx.Client(trust_env=False, timeout=10)

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.http.close()

    def __call__(self, action: str, key: str | None = None, **fields: str) -> httpx.Response:
        data = {"key": self.panel.key if key is None else key, "action": action, **fields}
        return self.http.post(self.panel.url, data=data)

    def ok(self, action: str, **fields: str) -> Any:
        response = self(action, **fields)
        assert response.status_code == 200, response.text
        return response.json()

    def error(self, status: int, action: str, **fields: str) -> str:
        response = self(action, **fields)
        assert response.status_code == status, response.text
        return response.json()["error"]

    def add(self, service: str, **fields: str) -> str:
        return str(self.ok("add", service=service, **fields)["order"])

    def status(self, order_id: str) -> dict[str, str]:
        return self.ok("status", order=order_id)


@pytest.fixture
def panel() -> Iterator[DemoPanel]:
    """A panel whose clock only moves with advance()."""
    with DemoPanel(clock_speed=0) as frozen:
        yield frozen


@pytest.fixture
def api(panel: DemoPanel) -> Iterator[Api]:
    with Api(panel) as client:
        yield client


def cents(amount: str) -> Decimal:
    return Decimal(amount).quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP)


def pro_rata(charge: Decimal, remains: int, total: int) -> Decimal:
    return cents(str(charge * remains / total))


# --- the endpoint, keys and actions --------------------------------------------------------
def test_balance_of_the_demo_account(demo_panel: DemoPanel) -> None:
    response = httpx.post(
        demo_panel.url, data={"key": demo_panel.key, "action": "balance"}, trust_env=False
    )
    assert response.status_code == 200
    assert response.json() == {"balance": "1000.00000", "currency": "USD"}
    assert demo_panel.balance() == Decimal("1000.00")
    assert demo_panel.url.startswith("http://127.0.0.1:") and demo_panel.url.endswith("/api/v2")


def test_missing_or_wrong_key_is_401_before_anything_else(api: Api) -> None:
    assert api.error(401, "balance", key="") == "Invalid API key"
    assert api.error(401, "balance", key="not-the-key") == "Invalid API key"
    assert api.error(401, "no-such-action", key="not-the-key") == "Invalid API key"


def test_missing_or_unsupported_action_is_400(api: Api) -> None:
    assert api.error(400, "") == "Action is required"
    assert "Unsupported action" in api.error(400, "transfer")


def test_only_post_to_the_api_path(panel: DemoPanel) -> None:
    with httpx.Client(trust_env=False) as http:
        assert (
            http.get(panel.url, params={"key": panel.key, "action": "balance"}).status_code == 405
        )
        other = panel.url.replace("/api/v2", "/api/v1")
        response = http.post(other, data={"key": panel.key, "action": "balance"})
    assert response.status_code == 404
    assert "/api/v2" in response.json()["error"]


def test_services_list_the_whole_catalog(api: Api) -> None:
    services = api.ok("services")
    assert [s["service"] for s in services] == [str(n) for n in range(1, 19)]
    first = services[0]
    assert first == {
        "service": "1",
        "name": "Instagram Followers [Real, Refill 30d]",
        "type": "Default",
        "rate": "0.90",
        "min": "50",
        "max": "10000",
        "category": "Instagram Followers",
        "dripfeed": True,
        "refill": True,
        "cancel": True,
    }
    types = {s["service"]: s["type"] for s in services}
    assert types["9"] == "Subscriptions" and types["18"] == "Story Reactions"
    assert {s["service"] for s in services if s["refill"]} == {"1", "8"}


def test_requests_are_counted_per_action(api: Api, panel: DemoPanel) -> None:
    order_id = api.add("1", link="https://instagram.com/a", quantity="100")
    api.status(order_id)
    api.error(400, "status", orders=order_id)  # the reference: status takes one order
    api.ok("multiStatus", orders=order_id)
    api.ok("multiStatus", orders=order_id)
    api.ok("balance")
    # counted as they arrived: a status with orders= is a status, not a multiStatus
    assert panel.requests == {"add": 1, "status": 2, "multiStatus": 2, "balance": 1}
    assert panel.shapes == {
        "add": 1,
        "status?order": 1,
        "status?orders": 1,
        "multiStatus?orders": 2,
        "balance": 1,
    }
    panel.reset_counters()
    assert panel.requests == {} and panel.shapes == {}


# --- add: every type, its charge and its validation ------------------------------------------
LINES_12 = "\n".join(f"Nice post {n}!" for n in range(12))
ADDS = [
    ("1", {"link": "https://instagram.com/a", "quantity": "1000"}, 1000, 1000, "0.90000"),
    ("1", {"link": "https://instagram.com/a", "quantity": "1000", "runs": "3", "interval": "10"},
     1000, 3000, "2.70000"),
    ("2", {"link": "https://instagram.com/p/1", "quantity": "100"}, 100, 100, "0.03500"),
    ("3", {"link": "https://shop.example", "quantity": "150", "keywords": "shoes,boots"},
     150, 150, "0.31500"),
    ("4", {"link": "https://instagram.com/p/1", "comments": LINES_12 + "\n\n  \n"}, 12, 12,
     "0.09600"),
    ("5", {"link": "https://instagram.com/p/1", "comments": "Wow\r\nGreat"}, 2, 2, "12.50000"),
    ("6", {"link": "https://youtube.com/@me"}, 1, 1, "25.00000"),
    ("7", {"link": "https://x.com/poll/1", "quantity": "200", "answer_number": "2"}, 200, 200,
     "0.24000"),
    ("8", {"link": "https://t.me/mine", "quantity": "500", "groups": "a\nb"}, 500, 500, "1.50000"),
    ("10", {"link": "https://instagram.com/p/1", "quantity": "100", "usernames": "a,b"}, 100, 100,
     "0.40000"),
    ("11", {"link": "https://instagram.com/p/1", "quantity": "100", "usernames": "a",
            "hashtags": "#x"}, 100, 100, "0.45000"),
    ("12", {"link": "https://instagram.com/p/1", "usernames": "\n".join("abcdefghijk")}, 11, 11,
     "0.06600"),
    ("13", {"link": "https://instagram.com/p/1", "quantity": "100", "hashtag": "sale"}, 100, 100,
     "0.42000"),
    ("14", {"link": "https://instagram.com/p/1", "quantity": "100", "username": "nasa"}, 100, 100,
     "0.44000"),
    ("15", {"link": "https://instagram.com/p/1", "quantity": "100", "media": "https://i/p/2"},
     100, 100, "0.46000"),
    ("16", {"link": "https://instagram.com/p/1", "quantity": "20", "username": "me"}, 20, 20,
     "0.05000"),
    ("17", {"link": "https://shop.example", "quantity": "1000", "country": "US", "device": "1",
            "type_of_traffic": "1", "google_keyword": "shoes", "runs": "2", "interval": "60"},
     1000, 2000, "1.20000"),
    ("18", {"link": "https://instagram.com/s/1", "quantity": "333", "reaction": "fire"}, 333, 333,
     "0.49950"),
]  # fmt: skip


@pytest.mark.parametrize(("service", "fields", "quantity", "total", "charge"), ADDS)
def test_add_charges_each_type(
    api: Api,
    panel: DemoPanel,
    service: str,
    fields: dict[str, str],
    quantity: int,
    total: int,
    charge: str,
) -> None:
    order_id = api.add(service, **fields)
    assert api.status(order_id) == {
        "charge": charge,
        "start_count": "0",
        "status": "Pending",
        "remains": str(total),
        "currency": "USD",
    }
    assert panel.balance() == Decimal("1000.00") - Decimal(charge)
    order = panel.order(order_id)
    assert (order["service"], order["quantity"], order["total"]) == (service, quantity, total)
    assert order["fields"] == fields and order["charge"] == Decimal(charge)


BAD_ADDS = [
    ("1", {"link": "https://i/a", "quantity": "10"}, 400, "Quantity less than minimal 50"),
    ("1", {"link": "https://i/a", "quantity": "20000"}, 400, "Quantity more than maximal 10000"),
    ("1", {"quantity": "100"}, 400, "Link is required"),
    ("1", {"link": "https://i/a"}, 400, "Quantity is required"),
    ("1", {"link": "https://i/a", "quantity": "1.5"}, 400, "Quantity must be a whole number"),
    ("1", {"link": "https://i/a", "quantity": "100", "runs": "1", "interval": "5"}, 400,
     "Runs must be 2 or more"),
    ("1", {"link": "https://i/a", "quantity": "100", "runs": "2"}, 400,
     "Drip-feed needs both runs and interval"),
    ("2", {"link": "https://i/a", "quantity": "100", "runs": "2", "interval": "5"}, 400,
     "Drip-feed is not available for this service"),
    ("3", {"link": "https://i/a", "quantity": "100"}, 400, "Keywords are required"),
    ("4", {"link": "https://i/a"}, 400, "Comments are required"),
    ("4", {"link": "https://i/a", "comments": "one\ntwo\n\nthree"}, 400,
     "Quantity less than minimal 10: 3 comments given, one per line"),
    ("5", {"link": "https://i/a", "comments": " \n "}, 400, "Comments are required"),
    ("6", {}, 400, "Link is required"),
    ("7", {"link": "https://i/a", "quantity": "100"}, 400, "Answer number is required"),
    ("7", {"link": "https://i/a", "quantity": "100", "answer_number": "0"}, 400,
     "Answer number must be 1 or more"),
    ("8", {"link": "https://i/a", "quantity": "100"}, 400, "Groups are required"),
    ("9", SUBSCRIPTION, 400, SUBSCRIPTIONS_REFUSED),
    ("10", {"link": "https://i/a", "quantity": "100"}, 400, "Usernames are required"),
    ("11", {"link": "https://i/a", "quantity": "100", "usernames": "a"}, 400,
     "Hashtags are required"),
    ("12", {"link": "https://i/a", "usernames": "a\nb"}, 400, "Quantity less than minimal 10"),
    ("13", {"link": "https://i/a", "quantity": "100"}, 400, "Hashtag is required"),
    ("14", {"link": "https://i/a", "quantity": "100"}, 400, "Username is required"),
    ("15", {"link": "https://i/a", "quantity": "100"}, 400, "Media is required"),
    ("16", {"link": "https://i/a", "quantity": "20"}, 400, "Username is required"),
    ("17", {"link": "https://i/a", "quantity": "1000", "device": "1", "type_of_traffic": "3"},
     400, "Country is required"),
    ("17", {"link": "https://i/a", "quantity": "1000", "country": "US", "device": "9",
            "type_of_traffic": "3"}, 400, "Device must be one of 1 (Desktop)"),
    ("17", {"link": "https://i/a", "quantity": "1000", "country": "US", "device": "2",
            "type_of_traffic": "1"}, 400, "Google keyword is required for traffic type 1"),
    ("99", {"link": "https://i/a", "quantity": "100"}, 404, "Incorrect service ID"),
    ("", {"link": "https://i/a", "quantity": "100"}, 400, "Service ID is required"),
]  # fmt: skip


@pytest.mark.parametrize(("service", "fields", "code", "message"), BAD_ADDS)
def test_add_refuses_invalid_orders(
    api: Api, panel: DemoPanel, service: str, fields: dict[str, str], code: int, message: str
) -> None:
    assert api.error(code, "add", service=service, **fields).startswith(message)
    assert panel.orders() == [] and panel.balance() == Decimal("1000.00")


def test_add_without_enough_funds_is_402(api: Api, panel: DemoPanel) -> None:
    panel.set_balance("0.89999")
    assert api.error(402, "add", service="1", link="https://i/a", quantity="1000") == (
        "Not enough funds on balance"
    )
    assert panel.orders() == [] and panel.balance() == Decimal("0.89999")
    panel.set_balance("0.9")
    api.add("1", link="https://i/a", quantity="1000")
    assert panel.balance() == 0


def test_subscriptions_when_the_panel_accepts_them() -> None:
    with DemoPanel(clock_speed=0, accept_subscriptions=True) as panel, Api(panel) as api:
        order_id = api.add("9", **SUBSCRIPTION)
        status = api.status(order_id)
        assert (status["charge"], status["remains"]) == ("0.30000", "60")  # 3 posts x max 20
        assert api.error(400, "add", service="9", **{**SUBSCRIPTION, "min": "30"}) == (
            "Min must not be more than max"
        )
        assert api.error(400, "add", service="9", **{**SUBSCRIPTION, "max": "101"}) == (
            "Max more than maximal 100"
        )
        expiry = api.error(400, "add", service="9", **{**SUBSCRIPTION, "expiry": "31.12.2030"})
        assert "YYYY-MM-DD" in expiry
        panel.advance(10_000)
        final = api.status(order_id)
        remains = int(final["remains"])
        assert final["status"] == "Completed" and 0 <= remains <= 3 * (20 - 10)
        assert Decimal(final["charge"]) == Decimal("0.3") - pro_rata(Decimal("0.3"), remains, 60)


def test_subscription_placed_on_the_site_works_through_the_api(api: Api, panel: DemoPanel) -> None:
    order_id = panel.place_on_site("9", SUBSCRIPTION)
    assert panel.order(order_id)["quantity"] == 60
    assert api.status(order_id)["status"] == "Pending"
    assert api.ok("cancel", orders=order_id) == [
        {"order": int(order_id), "cancel": {"status": "success"}}
    ]
    assert api.status(order_id)["status"] == "Canceled"
    with pytest.raises(ApiError, match="Link is required"):
        panel.place_on_site("1", {"quantity": "100"})


# --- status and multiStatus ------------------------------------------------------------------
def test_status_of_unknown_or_foreign_orders(api: Api, panel: DemoPanel) -> None:
    other = panel.add_account(balance=Decimal(5), currency="EUR")
    foreign = str(api.ok("add", key=other, service="2", link="https://i/a", quantity="10")["order"])
    assert api.error(404, "status", order=foreign) == "Incorrect order ID"
    assert api.error(404, "status", order="abc") == "Incorrect order ID"
    assert api.error(400, "status") == "Missing field: order"
    assert api.ok("status", key=other, order=foreign)["currency"] == "EUR"
    assert api.ok("balance", key=other) == {"balance": "4.99650", "currency": "EUR"}
    assert [o["id"] for o in panel.orders(other)] == [foreign] and panel.orders() == []


def test_multi_status_takes_up_to_100_ids(api: Api, panel: DemoPanel) -> None:
    mine = [api.add("2", link="https://i/a", quantity="10") for _ in range(3)]
    answer = api.ok("multiStatus", orders=",".join([*mine, "1", "x"]))
    assert list(answer) == [*mine, "1", "x"]
    assert answer["1"] == {"error": "Incorrect order ID"} and answer["x"] == answer["1"]
    assert answer[mine[0]]["status"] == "Pending" and answer[mine[0]]["charge"] == "0.00350"
    hundred = ",".join([*mine, *(str(n) for n in range(1, 98))])
    assert len(api.ok("multiStatus", orders=hundred)) == 100
    assert "at most 100" in api.error(400, "multiStatus", orders=hundred + ",999")
    assert api.error(400, "status", orders=hundred) == "Missing field: order"


# --- progression on the panel clock ----------------------------------------------------------
def test_an_order_progresses_with_the_clock(api: Api, panel: DemoPanel) -> None:
    order_id = api.add("1", link="https://instagram.com/a#complete", quantity="1000")
    assert api.status(order_id)["status"] == "Pending"
    panel.advance(3)  # Pending lasts 1 to 3 panel minutes
    started = api.status(order_id)
    assert started["status"] == "In progress" and int(started["start_count"]) > 0
    panel.advance(10)  # delivery takes 20 minutes or more
    assert 0 < int(api.status(order_id)["remains"]) < 1000
    panel.advance(400)
    assert api.status(order_id) == {
        "charge": "0.90000",
        "start_count": started["start_count"],
        "status": "Completed",
        "remains": "0",
        "currency": "USD",
    }
    assert panel.balance() == Decimal("999.10")


def test_a_running_clock_progresses_without_advance() -> None:
    # ~10,000 panel minutes per millisecond: final before the next request
    with DemoPanel(clock_speed=10_000_000) as panel, Api(panel) as api:
        order_id = api.add("2", link="https://i/a#complete", quantity="10")
        assert api.status(order_id)["status"] == "Completed"


@pytest.mark.parametrize(
    ("hint", "status", "refunded"),
    [("#complete", "Completed", False), ("#cancel", "Canceled", True), ("#fail", "Failed", True)],
)
def test_link_hints_force_the_outcome(
    api: Api, panel: DemoPanel, hint: str, status: str, refunded: bool
) -> None:
    order_id = api.add("1", link=f"https://instagram.com/a{hint}", quantity="1000")
    panel.advance(1000)
    final = api.status(order_id)
    assert final["status"] == status
    assert final["charge"] == ("0.00000" if refunded else "0.90000")
    assert panel.balance() == (Decimal(1000) if refunded else Decimal("999.1"))


def test_partial_refunds_the_undelivered_part(api: Api, panel: DemoPanel) -> None:
    order_id = api.add("1", link="https://i/a#partial", quantity="999", runs="3", interval="5")
    panel.advance(1000)
    final = api.status(order_id)
    remains = int(final["remains"])
    assert final["status"] == "Partial" and 0 < remains < 2997
    refund = pro_rata(Decimal("2.6973"), remains, 2997)
    assert Decimal(final["charge"]) == Decimal("2.6973") - refund
    assert panel.balance() == Decimal(1000) - Decimal("2.6973") + refund


def test_outcomes_are_mostly_completed_and_reproducible() -> None:
    def outcomes(seed: int) -> list[tuple[str, int]]:
        with DemoPanel(clock_speed=0, seed=seed) as panel:
            for n in range(300):
                panel.place_on_site("2", {"link": f"https://i/p/{n}", "quantity": "100"})
            panel.advance(10_000)
            orders = panel.orders()
            spent = sum(Decimal(str(o["charge"])) for o in orders)
            assert panel.balance() == Decimal(1000) - spent
            return [(str(o["status"]), int(str(o["remains"]))) for o in orders]

    first = outcomes(seed=0)
    statuses = [status for status, _ in first]
    assert statuses.count("Completed") > 220
    assert statuses.count("Partial") >= 10 and statuses.count("Canceled") >= 1
    assert all(remains > 0 for status, remains in first if status == "Partial")
    assert outcomes(seed=0) == first
    assert outcomes(seed=1) != first


def test_seeded_orders_are_open_and_free(api: Api, panel: DemoPanel) -> None:
    ids = panel.seed_orders(250)
    assert len(set(ids)) == 250 and panel.balance() == Decimal("1000.00")
    answer = api.ok("multiStatus", orders=",".join(ids[:100]))
    assert {entry["status"] for entry in answer.values()} == {"In progress"}
    panel.advance(60)
    assert {o["status"] for o in panel.orders()} == {"In progress"}


# --- cancel ----------------------------------------------------------------------------------
def test_cancel_answers_per_order_and_refunds(api: Api, panel: DemoPanel) -> None:
    done = api.add("1", link="https://i/a#complete", quantity="100")
    panel.advance(1000)
    pending = api.add("1", link="https://i/b", quantity="1000")
    seo = api.add("3", link="https://i/c", quantity="100", keywords="k")
    answer = api.ok("cancel", orders=f"{pending},{seo},{done},777")
    assert answer == [
        {"order": int(pending), "cancel": {"status": "success"}},
        {"order": int(seo), "error": "Cancel is not available for this service"},
        {"order": int(done), "error": "This order is already Completed and can't be canceled"},
        {"order": 777, "error": "Incorrect order ID"},
    ]
    assert api.status(pending) == {
        "charge": "0.00000",
        "start_count": "0",
        "status": "Canceled",
        "remains": "1000",
        "currency": "USD",
    }
    assert panel.balance() == Decimal(1000) - Decimal("0.09") - Decimal("0.21")


def test_cancel_in_progress_refunds_what_is_left(api: Api, panel: DemoPanel) -> None:
    order_id = api.add("1", link="https://i/a#complete", quantity="1000")
    panel.advance(13)
    assert api.ok("cancel", orders=f"{order_id},{order_id}") == [
        {"order": int(order_id), "cancel": {"status": "success"}},
        {"order": int(order_id), "error": "Cancel has already been requested for this order"},
    ]
    final = api.status(order_id)
    remains = int(final["remains"])
    assert final["status"] == "Canceled" and 0 < remains < 1000
    refund = pro_rata(Decimal("0.9"), remains, 1000)
    assert panel.balance() == Decimal("999.1") + refund
    panel.advance(1000)  # the planned finish no longer applies
    assert api.status(order_id) == final
    assert api.ok("cancel", orders=order_id)[0]["error"].endswith(
        "already Canceled and can't be canceled"
    )


def test_cancel_takes_orders_only(api: Api, panel: DemoPanel) -> None:
    order_id = api.add("2", link="https://i/a", quantity="10")
    assert api.error(400, "cancel", order=order_id) == "Missing field: orders (comma-separated IDs)"
    assert api.ok("cancel", orders=order_id) == [
        {"order": int(order_id), "cancel": {"status": "success"}}
    ]
    assert api.status(order_id)["status"] == "Canceled"


# --- refill ----------------------------------------------------------------------------------
def test_refill_flow(api: Api, panel: DemoPanel) -> None:
    order_id = api.add("1", link="https://i/a#partial", quantity="1000")
    assert "Completed or Partial" in api.error(400, "refill", order=order_id)
    panel.advance(1000)
    refill = api.ok("refill", order=order_id)
    assert refill == {"refill": "501"}
    assert api.ok("refill_status", refill="501") == {"status": "Pending"}
    assert "already in progress" in api.error(400, "refill", order=order_id)
    panel.advance(3)
    assert api.ok("refill_status", refill="501") == {"status": "In progress"}
    panel.advance(60)
    assert api.ok("refill_status", refill="501") == {"status": "Completed"}
    assert api.ok("refill", order=order_id) == {"refill": "502"}
    assert api.error(404, "refill_status", refill="9") == "Incorrect refill ID"


def test_refill_and_refill_status_in_batches(api: Api, panel: DemoPanel) -> None:
    done = api.add("1", link="https://i/a#complete", quantity="100")
    likes = api.add("2", link="https://i/b#complete", quantity="100")
    panel.advance(1000)
    pending = api.add("8", link="https://t.me/x", quantity="100", groups="g")
    answer = api.ok("refill", orders=f"{done},{likes},{pending},5")
    assert answer == [
        {"order": int(done), "refill": 501},
        {"order": int(likes), "refill": {"error": "Refill is not available for this service"}},
        {
            "order": int(pending),
            "refill": {"error": "Refill is available only for Completed or Partial orders"},
        },
        {"order": 5, "refill": {"error": "Incorrect order ID"}},
    ]
    assert api.ok("refill_status", refills="501,9") == [
        {"refill": 501, "status": "Pending"},
        {"refill": 9, "status": {"error": "Incorrect refill ID"}},
    ]
    assert panel.refills() == [{"id": "501", "order": done, "status": "Pending"}]


# --- rate limit and latency ------------------------------------------------------------------
def test_rate_limit_answers_429_with_retry_after() -> None:
    with DemoPanel(rate_limit=3) as panel, Api(panel) as api:
        for _ in range(3):
            api.ok("balance")
        refused = api("balance")
        assert refused.status_code == 429 and refused.json() == {"error": "Too many requests"}
        assert refused.headers["Retry-After"] == "60"
        assert panel.rate_limited == 1 and panel.requests["balance"] == 4
        panel.rate_limit = 0
        api.ok("balance")


def test_rate_window_slides() -> None:
    now = [0.0]
    limiter = RateLimiter(2, timer=lambda: now[0])
    assert limiter.check("a") is None
    now[0] = 10.0
    assert limiter.check("a") is None
    now[0] = 20.5
    assert limiter.check("a") == 40  # the first request leaves the window at 60 s
    assert limiter.check("b") is None  # per client
    now[0] = 60.0
    assert limiter.check("a") is None
    assert limiter.check("a") == 10


def test_latency_delays_answers_that_overlap(run: Any) -> None:
    with DemoPanel(latency=0.3) as panel:

        async def scenario() -> float:
            async with httpx.AsyncClient(trust_env=False) as http:
                data = {"key": panel.key, "action": "balance"}
                begun = time.perf_counter()
                answers = await asyncio.gather(*(http.post(panel.url, data=data) for _ in range(4)))
                assert all(a.status_code == 200 for a in answers)
                return time.perf_counter() - begun

        elapsed = run(scenario())
    assert 0.3 <= elapsed < 1.0  # one after another would take 1.2 s


# --- injected faults -------------------------------------------------------------------------
def test_drop_before_closes_without_placing(api: Api, panel: DemoPanel, capfd: Any) -> None:
    panel.inject("drop_before", action="add")
    api.ok("balance")  # not an add: untouched
    with pytest.raises(httpx.RemoteProtocolError):
        api("add", service="1", link="https://i/a", quantity="100")
    assert panel.orders() == [] and panel.requests["add"] == 1
    api.add("1", link="https://i/a", quantity="100")  # the fault was used up
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("fault", ["drop_after", "truncated"])
def test_answer_lost_after_the_order_was_placed(
    api: Api, panel: DemoPanel, capfd: Any, fault: str
) -> None:
    panel.inject(fault)
    with pytest.raises(httpx.RemoteProtocolError):
        api("add", service="1", link="https://i/a", quantity="100")
    assert [o["status"] for o in panel.orders()] == ["Pending"]
    assert panel.balance() == Decimal("999.91")
    assert "Traceback" not in capfd.readouterr().err


def test_malformed_answer_after_placing(api: Api, panel: DemoPanel) -> None:
    panel.inject("malformed", action="add")
    response = api("add", service="1", link="https://i/a", quantity="100")
    assert response.status_code == 200 and response.content == b'{"order": 12'
    assert len(panel.orders()) == 1


@pytest.mark.parametrize(
    ("fault", "code", "content_type", "needle"),
    [
        ("html_502", 502, "text/html", b"Bad gateway"),
        ("json_502", 502, "application/json", b'{"error": "Upstream provider returned an error'),
        ("html_200", 200, "text/html", b"<!DOCTYPE html>"),
        ("rate_limit", 429, "application/json", b'{"error": "Too many requests"}'),
    ],
)
def test_upstream_faults_stop_the_request(
    api: Api, panel: DemoPanel, fault: str, code: int, content_type: str, needle: bytes
) -> None:
    panel.inject(fault, times=2)
    for _ in range(2):
        response = api("add", service="1", link="https://i/a", quantity="100")
        assert response.status_code == code and needle in response.content
        assert response.headers["content-type"].startswith(content_type)
    assert panel.orders() == [] and panel.rate_limited == 0
    if fault == "rate_limit":
        assert response.headers["Retry-After"] == "1"
    api.add("1", link="https://i/a", quantity="100")


def test_fault_for_status_matches_single_and_multi(api: Api, panel: DemoPanel) -> None:
    panel.inject("json_502", action="multiStatus")
    assert api("status", order="1").status_code == 404
    assert api("multiStatus", orders="1").status_code == 502
    panel.inject("json_502", action="status")
    assert api("status", order="1").status_code == 502
    with pytest.raises(ValueError, match="Unknown fault"):
        panel.inject("explode")


def test_a_fault_can_wait_for_earlier_requests(api: Api, panel: DemoPanel) -> None:
    panel.inject("json_502", action="balance", after=2)
    assert [api("balance").status_code for _ in range(4)] == [200, 200, 502, 200]


# --- webhooks --------------------------------------------------------------------------------
async def _receiver(received: asyncio.Queue[bytes]) -> asyncio.Server:
    """A tiny HTTP server that queues each POSTed body and answers 204."""

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        found = re.search(rb"content-length:\s*(\d+)", head, re.IGNORECASE)
        assert found is not None
        await received.put(await reader.readexactly(int(found.group(1))))
        writer.write(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    return await asyncio.start_server(on_connect, "127.0.0.1", 0)


def test_webhooks_post_every_status_change(run: Any, panel: DemoPanel, api: Api) -> None:
    async def scenario() -> list[bytes]:
        received: asyncio.Queue[bytes] = asyncio.Queue()
        server = await _receiver(received)
        port = server.sockets[0].getsockname()[1]
        panel.set_webhook(f"http://127.0.0.1:{port}/hooks/order-update")
        async with httpx.AsyncClient(trust_env=False) as http:
            data = {
                "key": panel.key,
                "action": "add",
                "service": "1",
                "quantity": "1000",
                "link": "https://i/a#complete",
            }
            await http.post(panel.url, data=data)
        panel.advance(3)
        bodies = [await asyncio.wait_for(received.get(), 10)]
        panel.advance(1000)
        bodies.append(await asyncio.wait_for(received.get(), 10))
        server.close()
        await server.wait_closed()
        return bodies

    started, completed = run(scenario())
    order = panel.orders()[0]
    assert json.loads(started) == {
        "order_id": int(str(order["id"])),
        "status": "In progress",
        "remains": 1000,
        "start_count": order["start_count"],
        "charge": 0.9,
    }
    assert completed.endswith(
        b'"remains": 0, "start_count": %d, "charge": 0.9}' % order["start_count"]
    )
    assert json.loads(completed)["status"] == "Completed"


def test_a_failing_webhook_is_logged_and_the_panel_goes_on(api: Api, panel: DemoPanel) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # closed again: nobody listens there
    logged = threading.Event()
    handler = logging.Handler()
    handler.emit = lambda record: logged.set()  # type: ignore[method-assign]
    logger = logging.getLogger("smmdesk.demo.webhooks")
    logger.addHandler(handler)
    try:
        panel.set_webhook(f"http://127.0.0.1:{port}/hook")
        api.add("1", link="https://i/a", quantity="100")
        panel.advance(3)
        assert logged.wait(10)
    finally:
        logger.removeHandler(handler)
    assert api.ok("balance")["currency"] == "USD"


# --- the console script ----------------------------------------------------------------------
def test_console_script_prints_url_and_key_then_serves() -> None:
    command = [sys.executable, "-m", "smmdesk.demo.server", "--port", "0", "--key", "demo-key-1"]
    process = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split("Demo panel:")[1].strip()
        key = process.stdout.readline().split("API key:")[1].strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api/v2", url) and key == "demo-key-1"
        response = httpx.post(url, data={"key": key, "action": "balance"}, trust_env=False)
        assert response.json() == {"balance": "1000.00000", "currency": "USD"}
        process.send_signal(signal.SIGINT if sys.platform != "win32" else signal.SIGTERM)
        _, errors = process.communicate(timeout=15)
    finally:
        process.kill()
        process.communicate()
    assert process.returncode == 0 and "Traceback" not in errors


def test_console_script_explains_a_busy_port(capsys: Any) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert main(["--port", str(busy.getsockname()[1])]) == 1
    assert "Choose another --port" in capsys.readouterr().err
