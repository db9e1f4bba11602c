"""Per-origin rate control (smmdesk.core.api.pacing): a sliding-window log per panel."""

from __future__ import annotations

import asyncio
import time

import pytest

from smmdesk.core.api.pacing import Pacer, PacerRegistry, default_registry, pacer_for


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_inside_the_budget_goes_at_once_and_the_next_waits_for_the_window():
    clock = FakeClock()
    pacer = Pacer(per_minute=3, clock=clock)  # window 60 s + 1 s margin
    assert [pacer.try_acquire() for _ in range(3)] == [True, True, True]
    assert not pacer.try_acquire()
    assert pacer.delay() == pytest.approx(61.0)
    clock.now += 60.5
    assert not pacer.try_acquire()  # the panel may still count the first one
    clock.now += 0.5
    assert pacer.try_acquire()


def test_the_window_slides_rather_than_resetting_each_minute():
    clock = FakeClock()
    pacer = Pacer(per_minute=3, margin=0.0, clock=clock)
    for offset in (0, 30, 40):
        clock.now = 1000 + offset
        assert pacer.try_acquire()
    clock.now = 1060  # only the request at +0 has left the window
    assert pacer.try_acquire()
    assert not pacer.try_acquire()
    assert pacer.delay() == pytest.approx(30.0)  # until the one at +30 leaves
    assert pacer.sent_in_window == 3


def test_hold_pauses_every_caller_and_never_shortens_an_earlier_hold():
    clock = FakeClock()
    pacer = Pacer(per_minute=1000, clock=clock)
    pacer.hold(5)
    assert pacer.delay() == pytest.approx(5.0)
    assert not pacer.try_acquire()
    pacer.hold(1)
    assert pacer.delay() == pytest.approx(5.0)
    clock.now += 5
    assert pacer.try_acquire()


def test_acquire_sleeps_until_the_window_allows():
    async def scenario():
        pacer = Pacer(per_minute=2, window=0.2, margin=0.05)
        started = time.monotonic()
        for _ in range(3):
            await pacer.acquire()
        return time.monotonic() - started

    # The third request must wait for the first to leave the 0.25 s span.
    assert 0.24 <= asyncio.run(scenario()) < 2.0


def test_concurrent_callers_never_exceed_the_budget_in_any_window():
    async def scenario():
        pacer = Pacer(per_minute=3, window=0.2, margin=0.0)
        sent: list[float] = []

        async def caller():
            await pacer.acquire()
            sent.append(time.monotonic())

        await asyncio.gather(*(caller() for _ in range(9)))
        return sent

    sent = sorted(asyncio.run(scenario()))
    assert len(sent) == 9
    for i, t in enumerate(sent):
        in_window = [s for s in sent[: i + 1] if s > t - 0.2 + 0.005]
        assert len(in_window) <= 3
    assert sent[-1] - sent[0] >= 0.39  # three windows' worth of requests


def test_acquire_waits_out_a_hold():
    async def scenario():
        pacer = Pacer(per_minute=100)
        pacer.hold(0.3)
        started = time.monotonic()
        await pacer.acquire()
        return time.monotonic() - started

    assert asyncio.run(scenario()) >= 0.29


def test_registry_shares_one_pacer_per_origin_scheme_host_and_port():
    registry = PacerRegistry()
    a = registry.get("https://panel.example/api/v2")
    assert registry.get("https://PANEL.example:443/other") is a
    assert registry.get("https://panel.example:8443/api/v2") is not a
    assert registry.get("http://127.0.0.1:8001/api/v2") is not registry.get(
        "http://127.0.0.1:8002/api/v2"
    )
    assert registry.get("https://other.example/api/v2") is not a
    assert len(registry) == 5


def test_registry_budget_default_and_update():
    registry = PacerRegistry(default_per_minute=600)
    pacer = registry.get("https://panel.example/api/v2")
    assert pacer.per_minute == 600
    assert registry.get("https://panel.example/api/v2", per_minute=300) is pacer
    assert pacer.per_minute == 300
    assert registry.get("https://fresh.example/api/v2", per_minute=50).per_minute == 50


def test_pacer_for_uses_a_given_registry_or_the_default_one():
    registry = PacerRegistry()
    own = pacer_for("https://a.example/api/v2", registry=registry)
    assert registry.get("https://a.example/api/v2") is own
    shared = pacer_for("https://pacing-test.example/api/v2")
    assert shared is default_registry.get("https://pacing-test.example/api/v2")
    assert shared is not own
    assert shared.per_minute == 1000  # the reference panel's policy


def test_a_budget_below_one_is_refused():
    with pytest.raises(ValueError):
        Pacer(per_minute=0)
    registry = PacerRegistry()
    with pytest.raises(ValueError):
        registry.get("https://new.example/api/v2", per_minute=0)
    pacer = registry.get("https://panel.example/api/v2", per_minute=10)
    with pytest.raises(ValueError):
        registry.get("https://panel.example/api/v2", per_minute=0)
    assert pacer.per_minute == 10
