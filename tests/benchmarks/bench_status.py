"""Benchmark: statuses of 10,000 open orders from a demo panel with 100 ms latency.

Compares batched concurrent multiStatus (PanelClient.multi_status), one multiStatus call
after another, and one status call per order (a sample, extrapolated), then three panels
refreshed at once. Prints wall time, request counts and 429s.

    python tests/benchmarks/bench_status.py [--orders 10000] [--latency 0.1]

Not a pytest test (pytest collects test_*.py only): budgets are read, not asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import time
from pathlib import Path

try:
    import smmdesk  # noqa: F401
except ImportError:  # run from a source checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from smmdesk.core.api import Pacer, PanelClient
from smmdesk.demo.server import DemoPanel

SAMPLE = 50


async def batched(panel: DemoPanel, ids: list[str], concurrency: int) -> float:
    async with PanelClient(panel.url, panel.key, pacer=Pacer()) as client:
        started = time.perf_counter()
        result = await client.multi_status(ids, concurrency=concurrency)
        elapsed = time.perf_counter() - started
    assert len(result) == len(ids)
    return elapsed


async def one_batch_at_a_time(panel: DemoPanel, ids: list[str]) -> float:
    return await batched(panel, ids, concurrency=1)


async def one_call_per_order(panel: DemoPanel, ids: list[str]) -> float:
    async with PanelClient(panel.url, panel.key, pacer=Pacer()) as client:
        started = time.perf_counter()
        for order_id in ids[:SAMPLE]:
            await client.status(order_id)
        return time.perf_counter() - started


async def three_panels(panels: list[DemoPanel], ids: list[list[str]], concurrency: int) -> float:
    started = time.perf_counter()
    await asyncio.gather(*(batched(p, i, concurrency) for p, i in zip(panels, ids, strict=True)))
    return time.perf_counter() - started


def measure(panel: DemoPanel, label: str, run, rows: list[tuple], scale: float = 1.0) -> None:
    panel.reset_counters()
    seconds = asyncio.run(run)
    requests = sum(panel.requests.values())
    rows.append((label, round(requests * scale), seconds * scale, panel.rate_limited, scale > 1))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.1)
    args = parser.parse_args(argv)
    n = args.orders
    rows: list[tuple] = []
    with DemoPanel(latency=args.latency) as panel:
        ids = panel.seed_orders(n)
        for concurrency in (4, 8, 16):
            run = batched(panel, ids, concurrency)
            measure(panel, f"multi_status, {concurrency} calls at once", run, rows)
        measure(panel, "multiStatus, one call after another", one_batch_at_a_time(panel, ids), rows)
        run = one_call_per_order(panel, ids)
        measure(panel, f"status per order (x{n // SAMPLE} of {SAMPLE})", run, rows, n / SAMPLE)
    latency = args.latency
    with (
        DemoPanel(latency=latency) as a,
        DemoPanel(latency=latency) as b,
        DemoPanel(latency=latency) as c,
    ):
        panels = [a, b, c]
        ids3 = [p.seed_orders(n) for p in panels]
        for concurrency in (4, 16):
            for p in panels:
                p.reset_counters()
            seconds = asyncio.run(three_panels(panels, ids3, concurrency))
            requests = sum(sum(p.requests.values()) for p in panels)
            limited = sum(p.rate_limited for p in panels)
            label = f"3 panels x {n}, {concurrency} calls at once each"
            rows.append((label, requests, seconds, limited, False))

    print(f"\n{n:,} open orders, {args.latency * 1000:.0f} ms latency per request")
    print(f"expected multiStatus calls per panel: ceil(n/100) = {math.ceil(n / 100)}\n")
    print(f"{'method':<44} {'requests':>9} {'wall s':>9} {'429s':>5}")
    for label, requests, seconds, limited, estimated in rows:
        mark = "~" if estimated else " "
        print(f"{label:<44} {requests:>9,} {mark}{seconds:>8.2f} {limited:>5}")
    floor = n / 1000 * 60
    print(
        f"\n~ extrapolated from {SAMPLE} calls; per-order calls are also capped by the "
        f"1000/min budget: at least {floor:,.0f} s for {n:,} orders."
    )


if __name__ == "__main__":
    main()
