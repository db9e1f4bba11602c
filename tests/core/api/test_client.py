"""PanelClient against the demo panel over loopback: every action and every order type,
URL checks, request shape, batching and pacing. Odd dialects the demo panel does not speak
come from an httpx.MockTransport, one odd answer each."""

from __future__ import annotations

import asyncio
import math
from decimal import Decimal
from urllib.parse import parse_qs

import httpx
import pytest

from smmdesk import USER_AGENT
from smmdesk.core.api import (
    Balance,
    BatchStatus,
    CancelResult,
    Dialect,
    ItemError,
    OrderStatus,
    Pacer,
    PanelClient,
    RefillStatus,
    Service,
    check_panel_url,
)
from smmdesk.core.api.client import KEEPALIVE_EXPIRY
from smmdesk.core.errors import (
    BadRequest,
    ConfigError,
    InvalidResponse,
    NotFound,
    SubscriptionsRefused,
    ValidationError,
)
from smmdesk.demo.server import DemoPanel


def client_for(panel, **options) -> PanelClient:
    """A client of ``panel`` with its own pacer (tests must not share budgets)."""
    options.setdefault("pacer", Pacer())
    options.setdefault("backoff", 0.01)
    return PanelClient(panel.url, panel.key, **options)


def mock_client(handler, **options) -> PanelClient:
    options.setdefault("pacer", Pacer())
    options.setdefault("backoff", 0.01)
    transport = httpx.MockTransport(handler)
    return PanelClient("https://panel.example/api/v2", "k-secret", transport=transport, **options)


def answer(value, status=200, **kw):
    return lambda request: httpx.Response(status, json=value, **kw)


# --- URL checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://panel.example/api/v2",
        " https://panel.example:8443/api/v2/ ",
        "http://127.0.0.1:8000/api/v2",
        "http://127.5.6.7/api/v2",
        "http://localhost:9000/api/v2",
        "http://[::1]:8000/api/v2",
    ],
)
def test_urls_smmdesk_accepts(url):
    assert check_panel_url(url) == url.strip()


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://panel.example/api/v2", "unencrypted"),
        ("http://10.0.0.5/api/v2", "unencrypted"),
        ("https://panel.example/api/v2?key=abc123", "query string"),
        ("https://panel.example/api/v2?", "query string"),
        ("https://user:abc123@panel.example/api/v2", "user name or password"),
        ("https://panel.example/api/v2#x", "'#'"),
        ("ftp://panel.example/api/v2", "https://"),
        ("panel.example/api/v2", "https://"),
        ("", "empty"),
        ("https://panel.example:99999/api/v2", "not a valid"),
    ],
)
def test_urls_smmdesk_refuses_with_a_sentence_that_never_repeats_the_url(url, words):
    with pytest.raises(ConfigError, match=words) as caught:
        PanelClient(url, "k-secret")
    assert "abc123" not in str(caught.value)
    assert str(caught.value).endswith(".")


def test_an_empty_key_is_refused():
    with pytest.raises(ConfigError, match="API key is empty"):
        PanelClient("https://panel.example/api/v2", "  ")


# --- the client object --------------------------------------------------------------------


def test_repr_shows_the_url_never_the_key_and_a_closed_client_refuses_use(run):
    async def scenario():
        client = mock_client(answer({"balance": "1", "currency": "USD"}))
        assert "panel.example" in repr(client) and "k-secret" not in repr(client)
        assert "open" in repr(client)
        await client.balance()
        await client.aclose()
        await client.aclose()  # closing twice is fine
        assert "closed" in repr(client) and client.closed
        with pytest.raises(RuntimeError, match="closed"):
            await client.balance()
        async with mock_client(answer({"balance": "1", "currency": "USD"})) as other:
            await other.balance()
        assert other.closed

    run(scenario())


def test_requests_are_form_encoded_posts_with_our_user_agent(run):
    seen: list[httpx.Request] = []

    def handler(request):
        seen.append(request)
        return httpx.Response(200, json={"order": 1})

    async def scenario():
        async with mock_client(handler) as client:
            await client.add("7", {"link": "https://x.example/p", "quantity": "100"})

    run(scenario())
    (request,) = seen
    assert request.method == "POST"
    assert str(request.url) == "https://panel.example/api/v2"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.headers["user-agent"] == USER_AGENT
    form = parse_qs(request.content.decode())
    assert form == {
        "key": ["k-secret"],
        "action": ["add"],
        "service": ["7"],
        "link": ["https://x.example/p"],
        "quantity": ["100"],
    }


def test_connection_settings_keepalive_short_tls_verified_no_redirects():
    client = PanelClient("https://panel.example/api/v2", "k-secret")
    http = client._http  # the one place a test looks inside: httpx keeps these private
    assert http.follow_redirects is False
    assert KEEPALIVE_EXPIRY < 5  # shorter than common servers' keep-alive
    pool = http._transport._pool
    assert pool._keepalive_expiry == KEEPALIVE_EXPIRY
    assert pool._ssl_context.verify_mode.name == "CERT_REQUIRED"
    assert pool._ssl_context.check_hostname
    asyncio.run(client.aclose())


def test_add_refuses_fields_that_would_override_the_request(run):
    async def scenario():
        async with mock_client(answer({"order": 1})) as client:
            with pytest.raises(ValueError):
                await client.add("1", {"key": "other", "link": "x"})
            with pytest.raises(ValidationError, match="order"):
                await client.status("1,2")
            assert client.requests_made == 0

    run(scenario())


# --- every action against the demo panel ----------------------------------------------------


def test_balance_and_services(run, demo_panel):
    async def scenario():
        async with client_for(demo_panel) as client:
            return await client.balance(), await client.services(), client.requests_made

    balance, services, made = run(scenario())
    assert balance == Balance(Decimal("1000.00"), "USD")
    assert made == 2
    assert len(services) == 18 and all(isinstance(s, Service) for s in services)
    by_id = {s.id: s for s in services}
    first = by_id["1"]
    assert (first.type_name, first.rate, first.min, first.max) == (
        "Default",
        Decimal("0.90"),
        50,
        10000,
    )
    assert (first.dripfeed, first.refill, first.cancel) == (True, True, True)
    assert by_id["4"].type_name == "Custom Comments"
    assert by_id["18"].type_name is None and by_id["18"].type == "Story Reactions"


LINK = "https://instagram.com/demo"
LINES = "\n".join(f"Great post {n}!" for n in range(10))
TYPE_FIELDS = {
    "Default": ("1", {"link": LINK, "quantity": "100"}),
    "Default drip-feed": ("1", {"link": LINK, "quantity": "100", "runs": "3", "interval": "10"}),
    "SEO": ("3", {"link": "https://site.example", "quantity": "100", "keywords": "smm,panel"}),
    "Custom Comments": ("4", {"link": LINK, "comments": LINES}),
    "Custom Comments Package": ("5", {"link": LINK, "comments": LINES}),
    "Package": ("6", {"link": "https://youtube.com/@demo"}),
    "Poll": ("7", {"link": "https://x.com/p/1", "quantity": "100", "answer_number": "2"}),
    "Invites from Groups": (
        "8",
        {"link": "https://t.me/demo", "quantity": "100", "groups": "group_a\ngroup_b"},
    ),
    "Mentions": ("10", {"link": LINK, "quantity": "100", "usernames": "ann\nbob"}),
    "Mentions with Hashtags": (
        "11",
        {"link": LINK, "quantity": "100", "usernames": "ann\nbob", "hashtags": "#a\n#b"},
    ),
    "Mentions Custom List": ("12", {"link": LINK, "usernames": LINES}),
    "Mentions Hashtag": ("13", {"link": LINK, "quantity": "100", "hashtag": "#smm"}),
    "Mentions User Followers": ("14", {"link": LINK, "quantity": "100", "username": "ann"}),
    "Mentions Media Likers": (
        "15",
        {"link": LINK, "quantity": "100", "media": "https://instagram.com/p/abc"},
    ),
    "Comment Likes": ("16", {"link": LINK, "quantity": "20", "username": "ann"}),
    "Web Traffic": (
        "17",
        {
            "link": "https://site.example",
            "quantity": "500",
            "runs": "2",
            "interval": "5",
            "country": "US",
            "device": "1",
            "type_of_traffic": "1",
            "google_keyword": "smm panel",
        },
    ),
    "unknown type": ("18", {"link": LINK, "quantity": "50"}),
}


@pytest.mark.parametrize("type_name", sorted(TYPE_FIELDS))
def test_every_order_type_is_placed_with_its_fields(run, demo_panel, type_name):
    service_id, fields = TYPE_FIELDS[type_name]

    async def scenario():
        async with client_for(demo_panel) as client:
            order_id = await client.add(service_id, fields)
            return order_id, await client.status(order_id)

    order_id, status = run(scenario())
    placed = demo_panel.order(order_id)
    assert placed["service"] == service_id
    assert placed["fields"] == fields
    assert status.status in ("Pending", "In progress")
    assert status.charge == placed["charge"] and isinstance(status.charge, Decimal)
    assert demo_panel.balance() == Decimal("1000.00") - placed["charge"]
    assert len(demo_panel.orders()) == 1


SUBSCRIPTION = {
    "username": "demo_account",
    "min": "10",
    "max": "20",
    "delay": "0",
    "posts": "2",
    "old_posts": "1",
    "expiry": "2035-12-31",
}


def test_subscriptions_are_placed_where_the_panel_accepts_them(run):
    async def scenario(panel):
        async with client_for(panel) as client:
            return await client.add("9", SUBSCRIPTION)

    with DemoPanel(accept_subscriptions=True) as panel:
        order_id = run(scenario(panel))
        assert panel.order(order_id)["quantity"] == 40  # posts x max
        assert panel.order(order_id)["fields"] == SUBSCRIPTION


def test_subscriptions_refused_by_api_keep_the_panels_words_and_an_adopted_order_works(
    run, demo_panel
):
    async def scenario():
        async with client_for(demo_panel) as client:
            with pytest.raises(SubscriptionsRefused) as caught:
                await client.add("9", SUBSCRIPTION)
            on_site = demo_panel.place_on_site("9", SUBSCRIPTION)
            return caught.value, await client.status(on_site)

    refused, status = run(scenario())
    assert "customer site" in refused.panel_message
    assert refused.status_code == 400
    assert "website" in str(refused)
    assert status.status in ("Pending", "In progress")
    assert demo_panel.requests["add"] == 1


def test_status_of_an_order_as_it_progresses(run, demo_panel):
    async def scenario():
        async with client_for(demo_panel) as client:
            order_id = await client.add("1", {"link": LINK + "#partial", "quantity": "1000"})
            first = await client.status(order_id)
            demo_panel.advance(60 * 24 * 30)
            return first, await client.status(order_id)

    first, last = run(scenario())
    assert first.status == "Pending" and first.raw_status == "Pending"
    assert last.status == "Partial" and last.remains > 0
    assert last.charge < Decimal("0.90")  # the undelivered part is refunded
    assert last.currency == "USD"


def test_multi_status_answers_every_id_asked_including_unknown_ones(run, demo_panel):
    ids = demo_panel.seed_orders(5)

    async def scenario():
        async with client_for(demo_panel) as client:
            return await client.multi_status([*ids, "999999", ids[0]])

    result = run(scenario())
    assert list(result) == [*ids, "999999"]
    assert all(isinstance(result[i], OrderStatus) for i in ids)
    assert result["999999"] == ItemError("Incorrect order ID")
    assert demo_panel.requests["multiStatus"] == 1


@pytest.mark.parametrize("count", [99, 100, 101, 250])
def test_multi_status_sends_ceil_n_over_100_calls(run, demo_panel, count):
    ids = demo_panel.seed_orders(count)
    demo_panel.reset_counters()

    async def scenario():
        async with client_for(demo_panel) as client:
            return await client.multi_status(ids, concurrency=3)

    result = run(scenario())
    assert list(result) == ids
    assert all(isinstance(s, OrderStatus) and s.status == "In progress" for s in result.values())
    assert demo_panel.requests == {"multiStatus": math.ceil(count / 100)}


def test_multi_status_chunks_run_concurrently_but_bounded(run):
    async def scenario(panel, concurrency):
        ids = panel.seed_orders(400)
        known = Dialect(batch_status=BatchStatus.MULTI_STATUS)  # as a Desk's client knows it
        async with client_for(panel, dialect=known) as client:
            loop = asyncio.get_running_loop()
            started = loop.time()
            await client.multi_status(ids, concurrency=concurrency)
            return loop.time() - started

    with DemoPanel(latency=0.5) as panel:
        one_at_a_time = run(scenario(panel, 1))
        two_at_a_time = run(scenario(panel, 2))
        all_at_once = run(scenario(panel, 8))
    assert one_at_a_time >= 2.0  # 4 calls x 0.5 s
    assert 1.0 <= two_at_a_time < 1.9  # 2 rounds
    assert 0.5 <= all_at_once < 0.95  # 1 round


def test_cancel_reports_per_order_and_the_order_is_canceled(run, demo_panel):
    async def scenario():
        async with client_for(demo_panel) as client:
            likes = await client.add("2", {"link": LINK, "quantity": "1000"})
            seo = await client.add("3", {"link": LINK, "quantity": "100", "keywords": "a"})
            results = await client.cancel([likes, seo, "424242"])
            demo_panel.advance(1)
            return likes, seo, results, await client.status(likes)

    likes, seo, results, status = run(scenario())
    assert results[0] == CancelResult(likes, True)
    assert results[1].order_id == seo and not results[1].ok
    assert "not available" in results[1].error
    assert results[2] == CancelResult("424242", False, "Incorrect order ID")
    assert status.status == "Canceled"


def test_cancel_of_more_than_100_orders_goes_in_batches_of_100(run, demo_panel):
    ids = demo_panel.seed_orders(150)
    demo_panel.reset_counters()

    async def scenario():
        async with client_for(demo_panel) as client:
            return await client.cancel([*ids, ids[0]])

    results = run(scenario())
    assert [r.order_id for r in results] == ids  # each id once, in the order given
    assert all(r.ok for r in results)
    assert demo_panel.requests == {"cancel": 2}
    assert all(o["cancel_requested"] for o in demo_panel.orders())


def test_refill_flow_single_and_batch(run, demo_panel):
    async def scenario():
        async with client_for(demo_panel) as client:
            order = await client.add("1", {"link": LINK + "#complete", "quantity": "100"})
            other = await client.add(
                "8", {"link": LINK + "#complete", "quantity": "100", "groups": "g"}
            )
            demo_panel.advance(60 * 24 * 30)
            refill_id = await client.refill(order)
            first = await client.refill_status(refill_id)
            many = await client.refill_many([other, "424242"])
            demo_panel.advance(60 * 24)
            ids = [refill_id, many[0].refill_id, "777"]
            return refill_id, first, many, await client.refill_statuses(ids)

    refill_id, first, many, statuses = run(scenario())
    assert first == RefillStatus(refill_id, "Pending", "Pending")
    assert many[0].refill_id is not None and many[0].error is None
    assert many[1].refill_id is None and many[1].error == "Incorrect order ID"
    assert statuses[refill_id].status == "Completed"
    assert statuses[many[0].refill_id].status == "Completed"
    assert statuses["777"] == ItemError("Incorrect refill ID")
    assert {r["id"] for r in demo_panel.refills()} == {refill_id, many[0].refill_id}


def test_refill_refused_and_unknown_refill(run, demo_panel):
    async def scenario():
        async with client_for(demo_panel) as client:
            order = await client.add("1", {"link": LINK, "quantity": "100"})
            with pytest.raises(BadRequest, match="Completed or Partial"):
                await client.refill(order)
            with pytest.raises(NotFound):
                await client.refill_status("31337")
            with pytest.raises(NotFound):
                await client.status("31337")

    run(scenario())


# --- pacing across clients ------------------------------------------------------------------


def test_clients_of_one_panel_share_one_pacer_and_other_panels_do_not(demo_panel):
    with DemoPanel() as other_panel:
        a = PanelClient(demo_panel.url, demo_panel.key)
        b = PanelClient(demo_panel.url, "another-key")
        c = PanelClient(other_panel.url, other_panel.key)
        assert a.pacer is b.pacer
        assert c.pacer is not a.pacer
        for client in (a, b, c):
            asyncio.run(client.aclose())


def test_the_pacer_keeps_the_client_inside_the_panels_budget(run):
    async def scenario(panel):
        async with client_for(panel, pacer=Pacer(per_minute=5)) as client:
            for _ in range(5):
                await client.balance()
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(client.balance(), timeout=0.3)
            return client.pacer.delay()

    with DemoPanel(rate_limit=5) as panel:
        delay = run(scenario(panel))
        assert panel.requests["balance"] == 5
        assert panel.rate_limited == 0
    assert delay > 55  # the sixth request waits for the first to leave the minute


# --- dialects the demo panel does not speak (one odd answer each) ---------------------------


def test_smartpanel_error_shape_is_a_panel_error(run):
    async def scenario():
        async with mock_client(answer({"status": "error", "message": "Incorrect service ID"})) as c:
            with pytest.raises(NotFound) as caught:
                await c.add("99", {"link": LINK, "quantity": "10"})
            return caught.value

    assert run(scenario()).panel_message == "Incorrect service ID"


def test_zero_one_booleans_and_numeric_fields(run):
    catalog = [
        {"service": 5, "name": "X", "type": "default", "rate": 1.25, "min": 10, "max": "100",
         "category": "C", "dripfeed": 1, "refill": 0, "cancel": "1"},
    ]  # fmt: skip

    async def scenario():
        async with mock_client(answer(catalog)) as client:
            return await client.services()

    (service,) = run(scenario())
    assert (service.id, service.rate, service.max) == ("5", Decimal("1.25"), 100)
    assert (service.dripfeed, service.refill, service.cancel) == (True, False, True)


@pytest.mark.parametrize(("raw", "canonical"), [("Cancelled", "Canceled"), ("Done", "Completed")])
def test_status_spellings_of_other_panels(run, raw, canonical):
    async def scenario():
        async with mock_client(answer({"status": raw, "charge": 1.5, "remains": 0})) as client:
            return await client.status("12")

    assert run(scenario()) == OrderStatus(canonical, raw, Decimal("1.5"), None, 0)


def test_bare_string_per_id_errors_in_multi_status(run):
    body = {"1": {"status": "Done"}, "2": "Incorrect order ID"}

    async def scenario():
        async with mock_client(answer(body)) as client:
            return await client.multi_status(["1", "2"])

    result = run(scenario())
    assert result == {"1": OrderStatus("Completed", "Done"), "2": ItemError("Incorrect order ID")}


def test_a_redirect_is_not_followed(run):
    seen = []

    def handler(request):
        seen.append(request.url)
        return httpx.Response(301, headers={"Location": "https://new-panel.example/api/v2"})

    async def scenario():
        async with mock_client(handler) as client:
            with pytest.raises(InvalidResponse, match="moved") as caught:
                await client.balance()
            return caught.value

    error = run(scenario())
    assert seen == [httpx.URL("https://panel.example/api/v2")]
    assert error.panel_message == "Redirects to https://new-panel.example/api/v2"


def test_a_refused_balance_request_is_not_about_an_orders_fields(run):
    def handler(request):
        return httpx.Response(400, json={"error": "Something is off"})

    async def scenario():
        async with mock_client(handler) as client:
            with pytest.raises(BadRequest) as refused:
                await client.balance()
            return str(refused.value)

    text = run(scenario())
    assert text.startswith("The panel refused the balance request.")
    assert "order's fields" not in text and "Something is off" in text
