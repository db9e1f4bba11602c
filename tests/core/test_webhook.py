"""The webhook receiver: strict about what it accepts, and end to end with the demo panel
posting status changes to it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from smmdesk.core import store
from smmdesk.core.errors import ConfigError
from smmdesk.core.refresh import Changes
from smmdesk.core.settings import Settings
from smmdesk.core.webhook import WebhookReceiver
from smmdesk.demo.server import DemoPanel
from smmdesk.protocol import COMPLETED, FINAL_STATUSES, IN_PROGRESS

TOKEN = "t0ken-for-tests_0123456789abcdef"


def track(desk: Any, remote_ids: list[str]) -> list[int]:
    panel_id = desk.panel("demo").id
    with store.transaction(desk.db):
        return [store.track(desk.db, panel_id, r).id for r in remote_ids]


class Posts:
    """A receiver on the test's loop plus an HTTP client to post to it."""

    def __init__(self, desk: Any, **options: Any):
        self.seen: list[Changes] = []
        self.arrived = asyncio.Event()
        self.receiver = WebhookReceiver(desk, port=0, token=TOKEN, on_changes=self._seen, **options)

    def _seen(self, changes: Changes) -> None:
        self.seen.append(changes)
        self.arrived.set()

    async def post(self, path: str, body: Any) -> httpx.Response:
        """POST ``body`` (text, bytes, or an async iterator: sent chunked, no length)."""
        content = body.encode() if isinstance(body, str) else body
        async with httpx.AsyncClient(trust_env=False) as client:
            base = f"http://127.0.0.1:{self.receiver.port}"
            return await client.post(base + path, content=content)

    def path(self, panel: str = "demo") -> str:
        return self.receiver.path_for(panel)


def scenario_with(desk: Any, run: Any, body: Any, **options: Any) -> Posts:
    posts = Posts(desk, **options)

    async def scenario() -> None:
        async with posts.receiver:
            await body(posts)

    run(scenario())
    return posts


def test_a_valid_post_updates_the_store_like_a_refresh(
    desk: Any, demo_panel: DemoPanel, run: Any
) -> None:
    [order_id] = track(desk, demo_panel.seed_orders(1))
    remote = store.get_order(desk.db, order_id).remote_id
    payload = (
        f'{{"order_id": {remote}, "status": "Completed", "remains": 0, '
        '"start_count": "8421", "charge": 4.50001}'
    )

    async def body(posts: Posts) -> None:
        answer = await posts.post(posts.path(), payload)
        assert answer.status_code == 200 and answer.json()["ok"] is True

    posts = scenario_with(desk, run, body)
    [changes] = posts.seen
    assert changes.changed == frozenset({order_id})
    assert changes.finished == {order_id: COMPLETED}
    assert changes.checked == 1 and changes.panels == ("demo",)
    order = store.get_order(desk.db, order_id)
    assert (order.status, order.remains, order.start_count) == (COMPLETED, 0, 8421)
    assert order.charge == Decimal("4.50001")  # exact, never through a float
    assert order.final
    assert store.order_events(desk.db, order_id)[-1].source == "webhook"
    assert posts.receiver.counts == {200: 1}


def test_wrong_token_or_path_is_404_logged_and_changes_nothing(
    desk: Any, demo_panel: DemoPanel, run: Any, caplog: pytest.LogCaptureFixture
) -> None:
    [order_id] = track(desk, demo_panel.seed_orders(1))
    remote = store.get_order(desk.db, order_id).remote_id
    payload = f'{{"order_id": "{remote}", "status": "Completed"}}'
    wrong = "x" * len(TOKEN)

    async def body(posts: Posts) -> None:
        for path in (f"/webhook/{wrong}/demo", "/webhook/demo", "/", f"/webhook/{TOKEN}/"):
            assert (await posts.post(path, payload)).status_code == 404

    with caplog.at_level(logging.WARNING, logger="smmdesk.core.webhook"):
        posts = scenario_with(desk, run, body)
    assert posts.seen == []
    assert store.get_order(desk.db, order_id).status is None
    assert "unknown path" in caplog.text
    assert wrong not in caplog.text and TOKEN not in caplog.text


def test_size_length_method_and_json_are_checked(
    desk: Any, demo_panel: DemoPanel, run: Any
) -> None:
    [order_id] = track(desk, demo_panel.seed_orders(1))
    remote = store.get_order(desk.db, order_id).remote_id
    good = f'{{"order_id": "{remote}", "status": "In progress"}}'
    codes: dict[str, int] = {}

    async def chunked() -> AsyncIterator[bytes]:
        yield good.encode()

    async def body(posts: Posts) -> None:
        path = posts.path()
        codes["too big"] = (await posts.post(path, " " * 1000 + good)).status_code
        codes["no length"] = (await posts.post(path, chunked())).status_code
        async with httpx.AsyncClient(trust_env=False) as client:
            url = f"http://127.0.0.1:{posts.receiver.port}{path}"
            codes["get"] = (await client.get(url)).status_code
        bad = {
            "not json": "{order_id: 1",
            "not an object": f'[{{"order_id": "{remote}", "status": "Completed"}}]',
            "no status": f'{{"order_id": "{remote}"}}',
            "no order id": '{"status": "Completed"}',
            "bad remains": f'{{"order_id": "{remote}", "status": "Partial", "remains": "lots"}}',
            "bad charge": f'{{"order_id": "{remote}", "status": "Partial", "charge": "4,5"}}',
            "not utf-8": b'{"order_id": "1", "status": "\xff"}',
            "NaN": f'{{"order_id": "{remote}", "status": "Partial", "charge": NaN}}',
        }
        for name, text in bad.items():
            codes[name] = (await posts.post(path, text)).status_code

    posts = scenario_with(desk, run, body, max_body=500)
    assert codes.pop("too big") == 413
    assert codes.pop("no length") == 411
    assert codes.pop("get") == 405
    assert codes == dict.fromkeys(codes, 400)
    assert posts.seen == []
    assert store.get_order(desk.db, order_id).status is None
    assert store.order_events(desk.db, order_id)[-1].source == "track"  # nothing written


def test_unknown_order_or_panel_is_404_logged(
    desk: Any, demo_panel: DemoPanel, run: Any, caplog: pytest.LogCaptureFixture
) -> None:
    [order_id] = track(desk, demo_panel.seed_orders(1))
    stranger = demo_panel.seed_orders(1, key=demo_panel.add_account())[0]  # not tracked

    async def body(posts: Posts) -> None:
        unknown = f'{{"order_id": {stranger}, "status": "Completed"}}'
        assert (await posts.post(posts.path(), unknown)).status_code == 404
        remote = store.get_order(desk.db, order_id).remote_id
        known = f'{{"order_id": {remote}, "status": "Completed"}}'
        no_panel = f"/webhook/{TOKEN}/no%20such%20panel"  # the old shared path, no such panel
        assert (await posts.post(no_panel, known)).status_code == 404
        assert (await posts.post("/webhook/not-a-panels-secret", known)).status_code == 404

    with caplog.at_level(logging.WARNING, logger="smmdesk.core.webhook"):
        posts = scenario_with(desk, run, body)
    assert posts.seen == []
    assert f"order {stranger}, unknown on panel demo" in caplog.text
    assert "unknown path" in caplog.text
    assert store.get_order(desk.db, order_id).status is None
    assert store.count_orders(desk.db) == 1  # nothing adopted


def test_end_to_end_the_demo_panel_posts_status_changes(
    desk: Any, demo_panel: DemoPanel, run: Any
) -> None:
    demo_panel.clock_speed = 0  # panel time moves only by advance()
    quick = demo_panel.seed_orders(3, open_minutes=5)
    ids = track(desk, quick)

    async def body(posts: Posts) -> None:
        demo_panel.set_webhook(posts.receiver.url_for("demo"))
        demo_panel.advance(10)  # the three orders end; the panel posts each change
        async with asyncio.timeout(10):
            while sum(len(c.finished) for c in posts.seen) < 3:
                posts.arrived.clear()
                await posts.arrived.wait()

    posts = scenario_with(desk, run, body)
    finished = {k: v for c in posts.seen for k, v in c.finished.items()}
    assert set(finished) == set(ids)
    for order_id in ids:
        order = store.get_order(desk.db, order_id)
        on_panel = demo_panel.order(order.remote_id)
        assert order.status == finished[order_id] == on_panel["status"]
        assert order.status in FINAL_STATUSES and order.charge == on_panel["charge"]
        assert store.order_events(desk.db, order_id)[-1].source == "webhook"


def test_a_panel_path_is_its_secret_whatever_its_name(
    desk: Any, demo_panel: DemoPanel, run: Any
) -> None:
    run(desk.add_panel("My Panel/2", demo_panel.url, demo_panel.key))
    panel_id = desk.panel("My Panel/2").id
    order = store.track(desk.db, panel_id, demo_panel.seed_orders(1)[0])

    async def body(posts: Posts) -> None:
        path = posts.path("My Panel/2")
        assert path == f"/webhook/{desk.panel('My Panel/2').webhook_secret}"
        payload = f'{{"order_id": "{order.remote_id}", "status": "inprogress"}}'
        assert (await posts.post(path, payload)).status_code == 200

    posts = scenario_with(desk, run, body)
    assert store.get_order(desk.db, order.id).status == IN_PROGRESS
    assert posts.seen[0].panels == ("My Panel/2",)


def test_settings_switch_it_on_and_a_weak_token_is_refused(desk: Any, tmp_path: Any) -> None:
    settings = Settings.load(tmp_path)
    assert settings.webhook_enabled is False
    assert WebhookReceiver.from_settings(desk, settings) is None  # off by default
    on = settings.update(webhook_enabled=True, webhook_port=18765)
    receiver = WebhookReceiver.from_settings(desk, on)
    assert receiver is not None and (receiver.host, receiver.port) == ("127.0.0.1", 18765)
    assert on.webhook_token not in repr(receiver)
    for weak in ("", "short", "has a space in it, and more"):
        with pytest.raises(ConfigError):
            WebhookReceiver(desk, token=weak)


def test_broken_or_slow_senders_get_an_error_and_the_receiver_goes_on(
    desk: Any, demo_panel: DemoPanel, run: Any
) -> None:
    [order_id] = track(desk, demo_panel.seed_orders(1))
    remote = store.get_order(desk.db, order_id).remote_id
    answers: dict[str, bytes] = {}

    async def raw(port: int, data: bytes) -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(data)
        if not data:
            writer.close()  # connects, says nothing, leaves
            return b""
        answer = await reader.read()
        writer.close()
        return answer

    async def body(posts: Posts) -> None:
        port = posts.receiver.port
        answers["garbage"] = await raw(port, b"NOT HTTP AT ALL\r\n\r\n")
        answers["silent"] = await raw(port, b"")
        head = f"POST {posts.path()} HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n{{"
        answers["slow"] = await raw(port, head.encode())  # never sends the rest
        payload = f'{{"order_id": "{remote}", "status": "In progress"}}'
        assert (await posts.post(posts.path(), payload)).status_code == 200

    posts = scenario_with(desk, run, body, timeout=0.3)
    assert answers["garbage"].startswith(b"HTTP/1.1 400 ")
    assert answers["slow"].startswith(b"HTTP/1.1 408 ")
    assert store.get_order(desk.db, order_id).status == IN_PROGRESS
    assert len(posts.seen) == 1


def test_a_port_in_use_says_what_to_do(desk: Any, run: Any) -> None:
    async def scenario() -> None:
        async with WebhookReceiver(desk, port=0, token=TOKEN) as first:
            second = WebhookReceiver(desk, port=first.port, token=TOKEN)
            with pytest.raises(ConfigError, match="Choose another port"):
                await second.start()

    run(scenario())


def test_a_panels_url_takes_posts_for_its_own_orders_only(
    desk: Any, demo_panel: DemoPanel, run: Any
) -> None:
    with DemoPanel() as other:
        run(desk.add_panel("other", other.url, other.key))
        [mine] = track(desk, demo_panel.seed_orders(1))
        theirs = store.track(desk.db, desk.panel("other").id, other.seed_orders(2)[1])
        payload = f'{{"order_id": "{theirs.remote_id}", "status": "Completed"}}'
        demo_path, other_path = (
            desk.panel("demo").webhook_secret,
            desk.panel("other").webhook_secret,
        )
        assert demo_path and other_path and demo_path != other_path

        async def body(posts: Posts) -> None:
            # the URL given to "demo" cannot touch an order of "other", whatever the body says
            assert (await posts.post(posts.path("demo"), payload)).status_code == 404
            # nor can the old shared token with another panel's name (new panels never had it)
            legacy = f"/webhook/{TOKEN}/other"
            assert (await posts.post(legacy, payload)).status_code == 404
            assert (await posts.post(posts.path("other"), payload)).status_code == 200

        scenario_with(desk, run, body)
    assert store.get_order(desk.db, theirs.id).status == COMPLETED
    assert store.get_order(desk.db, mine).status is None


def test_a_final_order_reported_open_by_a_webhook_stays_final(
    desk: Any, demo_panel: DemoPanel, run: Any
) -> None:
    [order_id] = track(desk, demo_panel.seed_orders(1))
    remote = store.get_order(desk.db, order_id).remote_id

    async def body(posts: Posts) -> None:
        done = f'{{"order_id": "{remote}", "status": "Completed", "remains": 0}}'
        assert (await posts.post(posts.path(), done)).status_code == 200
        back = f'{{"order_id": "{remote}", "status": "In progress", "remains": 40}}'
        assert (await posts.post(posts.path(), back)).status_code == 200
        bad = f'{{"order_id": "{remote}", "status": "Completed", "charge": "-4"}}'
        assert (await posts.post(posts.path(), bad)).status_code == 400

    scenario_with(desk, run, body)
    order = store.get_order(desk.db, order_id)
    assert (order.status, order.remains, order.final) == (COMPLETED, 0, True)
    last = store.order_events(desk.db, order_id)[-1]
    assert last.source == "webhook" and "kept it Completed" in (last.note or "")


def test_the_old_shared_path_works_for_an_older_panel_until_it_moves(
    desk: Any, demo_panel: DemoPanel, run: Any
) -> None:
    # "demo" stands for a panel that existed when the shared path was the only kind (m003
    # marks those so): its old URL keeps working until it posts to its own URL once
    desk.db.execute("UPDATE panels SET webhook_legacy = 1")
    desk.db.conn.commit()
    [order_id] = track(desk, demo_panel.seed_orders(1))
    remote = store.get_order(desk.db, order_id).remote_id

    async def body(posts: Posts) -> None:
        old = f"/webhook/{TOKEN}/demo"
        moving = f'{{"order_id": "{remote}", "status": "In progress"}}'
        assert (await posts.post(old, moving)).status_code == 200
        assert (await posts.post(posts.path(), moving)).status_code == 200
        assert (await posts.post(old, moving)).status_code == 404  # moved: closed

    scenario_with(desk, run, body)
    assert store.get_order(desk.db, order_id).status == IN_PROGRESS
    assert not desk.panel("demo").webhook_legacy
