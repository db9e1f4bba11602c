"""Scheduler: periodic refreshes and "refresh now", never two runs at once, against the
demo panel and a real store."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from smmdesk.core import store
from smmdesk.core.errors import NotFoundLocally
from smmdesk.core.refresh import Changes
from smmdesk.core.schedule import Scheduler
from smmdesk.core.settings import Settings
from smmdesk.demo.server import DemoPanel
from smmdesk.protocol import IN_PROGRESS


def track(desk: Any, remote_ids: list[str]) -> list[int]:
    panel_id = desk.panel("demo").id
    with store.transaction(desk.db):
        return [store.track(desk.db, panel_id, r).id for r in remote_ids]


class Seen:
    """Collects what the scheduler hands out; ``wait(n)`` until n runs were reported."""

    def __init__(self) -> None:
        self.changes: list[Changes] = []
        self.errors: list[BaseException] = []
        self._event = asyncio.Event()

    def __call__(self, changes: Changes) -> None:
        self.changes.append(changes)
        self._event.set()

    def error(self, error: BaseException) -> None:
        self.errors.append(error)

    async def wait(self, count: int, timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            while len(self.changes) < count:
                self._event.clear()
                await self._event.wait()


async def until_asked(panel: DemoPanel, timeout: float = 10.0) -> None:
    """Wait until the panel has received a status request: a run is in progress."""
    async with asyncio.timeout(timeout):
        while not panel.requests["multiStatus"]:
            await asyncio.sleep(0.005)


def test_periodic_runs_until_stopped(desk: Any, demo_panel: DemoPanel, run: Any) -> None:
    ids = track(desk, demo_panel.seed_orders(5))
    seen = Seen()
    scheduler = Scheduler(desk, 0.2, seen)

    async def scenario() -> None:
        scheduler.start()
        assert scheduler.started
        await seen.wait(1)  # the first run goes at once
        assert seen.changes[0].changed == frozenset(ids)
        await seen.wait(3)  # then every 0.2 s
        await scheduler.aclose()
        runs = scheduler.runs
        await asyncio.sleep(0.5)
        assert scheduler.runs == runs and not scheduler.started

    run(scenario())
    assert {store.get_order(desk.db, i).status for i in ids} == {IN_PROGRESS}
    assert all(c.errors == {} for c in seen.changes)


def test_a_new_interval_applies_at_once(desk: Any, run: Any) -> None:
    seen = Seen()
    scheduler = Scheduler(desk, 3600, seen)

    async def scenario() -> float:
        scheduler.start()
        await seen.wait(1)
        started = time.monotonic()
        scheduler.interval_s = 0.1  # no waiting out the hour
        await seen.wait(2)
        await scheduler.aclose()
        return time.monotonic() - started

    assert run(scenario()) < 2.0


def test_refresh_now_joins_the_run_in_progress(desk: Any, demo_panel: DemoPanel, run: Any) -> None:
    track(desk, demo_panel.seed_orders(150))
    demo_panel.latency = 0.2
    demo_panel.reset_counters()
    seen = Seen()
    scheduler = Scheduler(desk, 3600, seen)

    async def scenario() -> list[Changes]:
        first = asyncio.ensure_future(scheduler.refresh_now())
        await until_asked(demo_panel)  # the first run is now asking the panel
        assert scheduler.busy
        return await asyncio.gather(first, scheduler.refresh_now(), scheduler.refresh_now())

    a, b, c = run(scenario())
    assert a is b is c  # one run, three callers
    assert scheduler.runs == 1 and len(seen.changes) == 1
    assert demo_panel.requests["multiStatus"] == 2


def test_other_requests_wait_their_turn(desk: Any, demo_panel: DemoPanel, run: Any) -> None:
    ids = track(desk, demo_panel.seed_orders(150))
    demo_panel.latency = 0.3
    seen = Seen()
    scheduler = Scheduler(desk, 3600, seen)

    async def scenario() -> tuple[float, list[Changes]]:
        started = time.monotonic()
        results = await asyncio.gather(
            scheduler.refresh_now(),
            scheduler.refresh_now(order_ids=[ids[3]]),
            scheduler.refresh_now(order_ids=[ids[3]]),  # the same request, still waiting
            scheduler.refresh_now(panels=["demo"]),
        )
        return time.monotonic() - started, results

    elapsed, (everything, one, same, panel) = run(scenario())
    assert scheduler.runs == 3  # all, order #4, panel "demo": one after another
    assert one is same
    assert elapsed >= 3 * 0.3  # never overlapping: each waited for the one before
    assert everything.checked == 150 and one.checked == 1 and panel.checked == 150
    assert [c.checked for c in seen.changes] == [150, 1, 150]


def test_a_failed_run_is_reported_and_the_schedule_goes_on(
    desk: Any, demo_panel: DemoPanel, run: Any
) -> None:
    seen = Seen()
    scheduler = Scheduler(desk, 3600, seen, on_error=seen.error)

    async def scenario() -> Changes:
        with pytest.raises(NotFoundLocally):
            await scheduler.refresh_now(panels=["no such panel"])
        return await scheduler.refresh_now()

    assert run(scenario()).errors == {}
    assert len(seen.errors) == 1 and isinstance(seen.errors[0], NotFoundLocally)


def test_a_failing_listener_does_not_stop_refreshes(desk: Any, run: Any) -> None:
    calls = []

    def listener(changes: Changes) -> None:
        calls.append(changes)
        raise RuntimeError("a view broke")

    scheduler = Scheduler(desk, 3600, listener)
    run(scheduler.refresh_now())
    run(scheduler.refresh_now())
    assert len(calls) == 2


def test_interval_from_the_settings(desk: Any, tmp_path: Any) -> None:
    settings = Settings.load(tmp_path).update(refresh_interval=90)
    scheduler = Scheduler.from_settings(desk, settings, lambda changes: None)
    assert scheduler.interval_s == 90
    with pytest.raises(ValueError):
        Scheduler(desk, 0, lambda changes: None)


def test_stop_cancels_waiting_runs_and_later_requests_still_work(
    desk: Any, demo_panel: DemoPanel, run: Any
) -> None:
    track(desk, demo_panel.seed_orders(10))
    demo_panel.latency = 0.3
    scheduler = Scheduler(desk, 3600, lambda changes: None)

    async def scenario() -> Changes:
        first = asyncio.ensure_future(scheduler.refresh_now())
        second = asyncio.ensure_future(scheduler.refresh_now(panels=["demo"]))
        await until_asked(demo_panel)
        await scheduler.aclose()  # the app quits mid-run
        for task in (first, second):
            with pytest.raises(asyncio.CancelledError):
                await task
        assert not scheduler.busy
        demo_panel.latency = 0
        return await scheduler.refresh_now(panels=["demo"])  # not the cancelled one

    assert run(scenario()).checked == 10


def test_every_run_is_told_to_its_watcher_and_the_first_can_wait(desk: Any, run: Any) -> None:
    """The window shows each run as a job (``on_run``); started with ``first_now=False``
    the schedule's first run comes one interval later, not at once."""
    watched: list[asyncio.Task[Changes]] = []
    seen = Seen()
    scheduler = Scheduler(desk, 0.3, seen, on_run=watched.append)

    async def scenario() -> float:
        started = time.monotonic()
        scheduler.start(first_now=False)
        await asyncio.sleep(0)
        assert watched == [] and seen.changes == []  # nothing at once
        await seen.wait(1)
        waited = time.monotonic() - started
        await scheduler.refresh_now(panels=["demo"])  # asked for: watched too
        await scheduler.aclose()
        return waited

    assert run(scenario()) >= 0.3
    assert len(watched) == 2 and all(task.done() for task in watched)
