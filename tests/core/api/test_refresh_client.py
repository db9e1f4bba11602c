"""PanelClient.multi_status_chunks: the per-chunk answers the refresh engine writes as they
arrive (a small addition to the client, tested here with the engine that needs it)."""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from typing import Any

import pytest

from smmdesk.core.api import Pacer, PanelClient
from smmdesk.core.api.models import ItemError, OrderStatus
from smmdesk.core.errors import UpstreamFailure
from smmdesk.demo.server import DemoPanel


def client(panel: DemoPanel, retries: int = 3) -> PanelClient:
    return PanelClient(panel.url, panel.key, pacer=Pacer(), retries=retries, backoff=0.01)


def test_each_chunk_is_yielded_as_it_arrives(demo_panel: DemoPanel, run: Any) -> None:
    ids = demo_panel.seed_orders(250)

    async def scenario() -> list[dict[str, Any]]:
        async with client(demo_panel) as panel:
            return [part async for part in panel.multi_status_chunks([*ids, "1"], concurrency=2)]

    parts = run(scenario())
    assert sorted(len(p) for p in parts) == [51, 100, 100]  # 251 ids, at most 100 per call
    merged = {k: v for part in parts for k, v in part.items()}
    assert set(merged) == {*ids, "1"}
    assert all(isinstance(merged[i], OrderStatus) for i in ids)
    assert isinstance(merged["1"], ItemError)  # a per-id error stays with its id
    assert demo_panel.requests["multiStatus"] == 3


def test_the_first_failure_stops_the_rest(demo_panel: DemoPanel, run: Any) -> None:
    ids = demo_panel.seed_orders(500)
    demo_panel.reset_counters()
    demo_panel.inject("json_502", "multiStatus")

    async def scenario() -> None:
        async with client(demo_panel, retries=0) as panel:
            async for _part in panel.multi_status_chunks(ids, concurrency=1):
                pass

    with pytest.raises(UpstreamFailure):
        run(scenario())
    assert demo_panel.requests["multiStatus"] == 1  # the other 4 chunks were never sent


def test_stopping_early_cancels_what_is_in_flight(demo_panel: DemoPanel, run: Any) -> None:
    ids = demo_panel.seed_orders(1000)
    demo_panel.latency = 0.05

    async def scenario() -> int:
        async with client(demo_panel) as panel:
            chunks = panel.multi_status_chunks(ids, concurrency=2)
            async with aclosing(chunks) as answered:
                async for _part in answered:
                    break
            left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            return len(left)

    assert run(scenario()) == 0
    assert demo_panel.requests["multiStatus"] <= 3  # 10 chunks, 2 at a time: stopped early
