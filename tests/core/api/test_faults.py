"""PanelClient when things go wrong: every error class from the demo panel, injected faults,
the retry policy (an add is never sent twice by accident), and the API key never leaking."""

from __future__ import annotations

import asyncio
import logging
import shutil
import socket
import ssl
import subprocess
import traceback
from decimal import Decimal

import httpx
import pytest

from smmdesk.core.api import Pacer, PanelClient
from smmdesk.core.errors import (
    AddOutcomeUnknown,
    BadKey,
    BadRequest,
    InsufficientFunds,
    InvalidResponse,
    NotFound,
    RateLimited,
    SmmdeskError,
    SubscriptionsRefused,
    TransportError,
    UpstreamFailure,
)
from smmdesk.demo.server import DemoPanel

LINK = "https://instagram.com/demo"
ORDER = {"link": LINK, "quantity": "100"}


def client_for(panel, key=None, **options) -> PanelClient:
    options.setdefault("pacer", Pacer())
    options.setdefault("backoff", 0.01)
    return PanelClient(panel.url, key or panel.key, **options)


class FailConnectFirst(httpx.AsyncBaseTransport):
    """A real transport whose first ``times`` requests fail to connect (nothing is sent)."""

    def __init__(self, times: int = 1):
        self.left = times
        self.real = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request):
        if self.left > 0:
            self.left -= 1
            raise httpx.ConnectError("connection refused", request=request)
        return await self.real.handle_async_request(request)

    async def aclose(self):
        await self.real.aclose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- every error class from the demo panel ---------------------------------------------------


def test_panel_refusals_map_to_the_error_tree(run, demo_panel):
    poor = demo_panel.add_account(balance=Decimal("0.01"))

    async def scenario():
        async with client_for(demo_panel, key="wrong-key") as client:
            with pytest.raises(BadKey) as bad_key:
                await client.balance()
        async with client_for(demo_panel, key=poor) as client:
            with pytest.raises(InsufficientFunds) as funds:
                await client.add("1", ORDER)
        async with client_for(demo_panel) as client:
            with pytest.raises(NotFound) as service:
                await client.add("404", ORDER)
            with pytest.raises(NotFound) as order:
                await client.status("123456")
            with pytest.raises(BadRequest) as bad:
                await client.add("1", {"link": LINK, "quantity": "5"})
            with pytest.raises(SubscriptionsRefused) as subs:
                await client.add("9", {"username": "a", "min": "10", "max": "20", "delay": "0"})
        return bad_key.value, funds.value, service.value, order.value, bad.value, subs.value

    errors = run(scenario())
    assert [e.status_code for e in errors] == [401, 402, 404, 404, 400, 400]
    assert [e.panel_message for e in errors] == [
        "Invalid API key",
        "Not enough funds on balance",
        "Incorrect service ID",
        "Incorrect order ID",
        "Quantity less than minimal 50",
        "Subscription orders must be created from the customer site; API creation is not "
        "yet supported.",
    ]
    assert type(errors[4]) is BadRequest
    assert demo_panel.orders() == []
    assert sum(demo_panel.requests.values()) == 6  # refusals are never retried


def test_429_from_the_panels_limiter_holds_the_pacer_for_everyone(run):
    async def scenario(panel):
        pacer = Pacer(per_minute=100)
        async with client_for(panel, pacer=pacer, retries=0) as client:
            for _ in range(3):
                await client.balance()
            with pytest.raises(RateLimited) as caught:
                await client.balance()
        return caught.value, pacer.delay()

    with DemoPanel(rate_limit=3) as panel:
        error, held = run(scenario(panel))
        assert panel.rate_limited == 1
    assert error.status_code == 429 and error.panel_message == "Too many requests"
    assert 1 <= error.retry_after <= 60
    assert held > 50  # every client of this panel waits out the Retry-After


def test_injected_429_is_waited_out_and_even_an_add_is_resent(run, demo_panel):
    demo_panel.inject("rate_limit", action="add")

    async def scenario():
        async with client_for(demo_panel) as client:
            loop = asyncio.get_running_loop()
            started = loop.time()
            order_id = await client.add("1", ORDER)
            return order_id, loop.time() - started

    order_id, elapsed = run(scenario())
    assert elapsed >= 0.95  # Retry-After: 1
    assert demo_panel.requests["add"] == 2
    assert [o["id"] for o in demo_panel.orders()] == [order_id]


def test_429_after_the_last_retry_is_raised(run, demo_panel):
    demo_panel.inject("rate_limit", action="balance", times=2)

    async def scenario():
        async with client_for(demo_panel, retries=1) as client:
            with pytest.raises(RateLimited) as caught:
                await client.balance()
            return caught.value

    assert run(scenario()).retry_after == 1.0
    assert demo_panel.requests["balance"] == 2


@pytest.mark.parametrize(
    ("fault", "error", "words"),
    [
        ("html_502", UpstreamFailure, "error page"),
        ("json_502", UpstreamFailure, "provider"),
        ("html_200", InvalidResponse, "cannot read"),
        ("malformed", InvalidResponse, "cannot read"),
        ("truncated", InvalidResponse, "cut off"),
        ("drop_before", InvalidResponse, "cut off"),
    ],
)
def test_faults_that_outlast_the_retries(run, demo_panel, fault, error, words):
    demo_panel.inject(fault, action="balance", times=10)

    async def scenario():
        async with client_for(demo_panel, retries=2) as client:
            with pytest.raises(error, match=words) as caught:
                await client.balance()
            return caught.value

    caught = run(scenario())
    retried = fault not in ("html_200", "malformed")  # a readable-but-wrong page is not retried
    assert demo_panel.requests["balance"] == (3 if retried else 1)
    if fault == "json_502":
        assert caught.panel_message.startswith("Upstream provider returned an error")


@pytest.mark.parametrize(
    "fault", ["html_502", "json_502", "truncated", "drop_before", "drop_after"]
)
def test_status_is_retried_after_one_fault_and_succeeds(run, demo_panel, fault):
    (order_id,) = demo_panel.seed_orders(1)
    demo_panel.reset_counters()
    demo_panel.inject(fault, action="status")

    async def scenario():
        async with client_for(demo_panel) as client:
            return await client.status(order_id), client.requests_made

    status, made = run(scenario())
    assert status.status == "In progress"
    assert demo_panel.requests["status"] == 2 and made == 2


def test_multi_status_is_retried_chunk_by_chunk(run, demo_panel):
    ids = demo_panel.seed_orders(250)
    demo_panel.reset_counters()
    demo_panel.inject("html_502", action="multiStatus")

    async def scenario():
        async with client_for(demo_panel) as client:
            return await client.multi_status(ids)

    assert len(run(scenario())) == 250
    assert demo_panel.requests["multiStatus"] == 4  # 3 chunks + 1 retry


def test_a_timeout_on_a_safe_action_is_retried_then_reported(run):
    async def scenario(panel):
        async with client_for(panel, timeout=0.2, retries=1) as client:
            with pytest.raises(TransportError, match=r"did not answer within 0\.2 s"):
                await client.balance()

    with DemoPanel(latency=1.0) as panel:
        run(scenario(panel))
        assert panel.requests["balance"] == 2


def test_an_unreachable_panel_is_a_transport_error(run):
    async def scenario():
        url = f"http://127.0.0.1:{free_port()}/api/v2"
        async with PanelClient(url, "k", pacer=Pacer(), retries=2, backoff=0.01) as client:
            with pytest.raises(TransportError, match=r"could not connect to 127\.0\.0\.1"):
                await client.balance()
            with pytest.raises(TransportError, match="could not connect"):
                await client.add("1", ORDER)  # never reached: safe to say it failed
            return client.requests_made

    assert run(scenario()) == 6


# --- add: never twice -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "orders"),
    [
        ("drop_after", 1),
        ("drop_before", 0),
        ("truncated", 1),
        ("malformed", 1),
        ("html_502", 0),
        ("html_200", 0),
    ],
)
def test_add_with_an_unknown_outcome_is_never_resent(run, demo_panel, fault, orders):
    demo_panel.inject(fault, action="add")

    async def scenario():
        async with client_for(demo_panel) as client:
            with pytest.raises(AddOutcomeUnknown, match="NOT sent again") as caught:
                await client.add("1", ORDER)
            return caught.value, client.requests_made

    error, made = run(scenario())
    assert made == 1 and demo_panel.requests["add"] == 1
    assert len(demo_panel.orders()) == orders
    assert "order list" in str(error)


def test_add_after_a_timeout_is_unknown_and_not_resent(run):
    async def scenario(panel):
        async with client_for(panel, timeout=0.3) as client:
            with pytest.raises(AddOutcomeUnknown, match="did not answer within"):
                await client.add("1", ORDER)

    with DemoPanel(latency=1.0) as panel:
        run(scenario(panel))
        assert panel.requests["add"] == 1
        assert len(panel.orders()) == 1  # the panel did place it


def test_add_with_a_json_502_is_a_definite_failure(run, demo_panel):
    demo_panel.inject("json_502", action="add")

    async def scenario():
        async with client_for(demo_panel) as client:
            with pytest.raises(UpstreamFailure):
                await client.add("1", ORDER)

    run(scenario())
    assert demo_panel.requests["add"] == 1 and demo_panel.orders() == []


def test_add_is_resent_when_it_provably_never_left(run, demo_panel):
    async def scenario():
        transport = FailConnectFirst(times=2)
        async with client_for(demo_panel, transport=transport) as client:
            return await client.add("1", ORDER), client.requests_made

    order_id, made = run(scenario())
    assert made == 3
    assert demo_panel.requests["add"] == 1
    assert [o["id"] for o in demo_panel.orders()] == [order_id]


# --- cancel and refill: unknown results are said, not resent ------------------------------


@pytest.mark.parametrize("fault", ["drop_after", "html_502", "malformed"])
def test_cancel_with_an_unknown_result_says_to_refresh(run, demo_panel, fault):
    (order_id,) = demo_panel.seed_orders(1)
    demo_panel.inject(fault, action="cancel")

    async def scenario():
        async with client_for(demo_panel) as client:
            with pytest.raises(TransportError, match="Refresh the orders") as caught:
                await client.cancel([order_id])
            return caught.value

    assert "cancel request" in str(run(scenario()))
    assert demo_panel.requests["cancel"] == 1


def test_refill_with_a_dropped_connection_is_not_resent(run, demo_panel):
    demo_panel.inject("drop_before", action="refill")

    async def scenario():
        async with client_for(demo_panel) as client:
            with pytest.raises(TransportError, match="refill request"):
                await client.refill("1")

    run(scenario())
    assert demo_panel.requests["refill"] == 1


def test_cancel_json_502_is_definite_and_429_is_resent(run, demo_panel):
    (order_id,) = demo_panel.seed_orders(1)
    demo_panel.inject("json_502", action="cancel")

    async def scenario():
        async with client_for(demo_panel) as client:
            with pytest.raises(UpstreamFailure):
                await client.cancel([order_id])
            demo_panel.inject("rate_limit", action="cancel")
            return await client.cancel([order_id])

    (result,) = run(scenario())
    assert result.ok
    assert demo_panel.requests["cancel"] == 3


# --- the key never leaks --------------------------------------------------------------------


def chain(error: BaseException) -> list[BaseException]:
    seen = [error]
    while (error := error.__cause__ or error.__context__) is not None:
        seen.append(error)
    return seen


def test_the_key_is_absent_from_every_error_and_every_log_line(run, caplog):
    key = "sk-LEAKCHECK-0123456789abcdef"
    errors: list[SmmdeskError] = []

    async def expect(call, error=SmmdeskError):
        try:
            await call
        except error as exc:
            errors.append(exc)
        else:  # pragma: no cover - the test fails below
            raise AssertionError("no error")

    async def scenario(panel):
        async with client_for(panel, key=key, timeout=0.5) as c:
            await c.balance()
            await expect(c.add("404", ORDER), NotFound)
            await expect(c.add("1", {"link": LINK, "quantity": "1"}), BadRequest)
            await expect(c.add("9", {"username": "a"}), SubscriptionsRefused)
            await expect(c.status("99999"), NotFound)
            for fault in ("drop_after", "drop_before", "truncated", "malformed", "html_502"):
                panel.inject(fault, action="add")
                await expect(c.add("1", ORDER), AddOutcomeUnknown)
            panel.inject("json_502", action="add")
            await expect(c.add("1", ORDER), UpstreamFailure)
            for fault in ("html_200", "malformed"):
                panel.inject(fault, action="balance")
                await expect(c.balance(), InvalidResponse)
            for fault in ("truncated", "html_502", "json_502", "rate_limit"):
                panel.inject(fault, action="balance", times=4)
                await expect(c.balance())
            for action, call in (("cancel", c.cancel(["1"])), ("refill", c.refill("1"))):
                panel.inject("drop_after", action=action)
                await expect(call, TransportError)
            panel.set_balance(Decimal(0), key=key)
            await expect(c.add("1", ORDER), InsufficientFunds)
            panel.latency = 1.0
            await expect(c.add("1", ORDER), AddOutcomeUnknown)
            panel.latency = 0
        async with client_for(panel, key="wrong-" + key) as c:
            await expect(c.balance(), BadKey)
        transport = httpx.MockTransport(
            lambda r: httpx.Response(401, json={"error": f"Invalid key {key}"})
        )
        async with PanelClient(panel.url, key, transport=transport, pacer=Pacer()) as c:
            await expect(c.balance(), BadKey)
        dead = f"http://127.0.0.1:{free_port()}/api/v2"
        async with PanelClient(dead, key, pacer=Pacer(), retries=1, backoff=0.01) as c:
            await expect(c.add("1", ORDER), TransportError)

    caplog.set_level(logging.DEBUG)
    with DemoPanel() as panel:
        panel.add_account(key=key, balance=Decimal(100))
        run(scenario(panel))
    assert len(errors) == 23
    assert "[API key hidden]" in errors[-2].panel_message
    for error in errors:
        for linked in chain(error):
            assert isinstance(linked, SmmdeskError)  # no httpx exception (holding the body)
        assert key not in str(error) and key not in repr(error)
        assert key not in "".join(traceback.format_exception(error))
    assert "Retrying" in caplog.text  # the log did capture the client's work
    assert key not in caplog.text


# --- TLS ----------------------------------------------------------------------------------


def self_signed(tmp_path) -> tuple[str, str]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("needs the openssl command to make a self-signed certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    command = [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    command += ["-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(
        command,
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


def test_an_unverifiable_certificate_stops_the_request_before_the_key_is_sent(run, tmp_path):
    cert, key = self_signed(tmp_path)
    received: list[bytes] = []

    async def scenario():
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)

        async def handle(reader, writer):
            received.append(await reader.read(1000))
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
        port = server.sockets[0].getsockname()[1]
        async with server:
            url = f"https://127.0.0.1:{port}/api/v2"
            async with PanelClient(url, "k-secret", pacer=Pacer(), retries=0) as client:
                with pytest.raises(TransportError, match="certificate") as caught:
                    await client.balance()
        return caught.value

    error = run(scenario())
    assert received == []
    assert "did not send anything" in str(error)
