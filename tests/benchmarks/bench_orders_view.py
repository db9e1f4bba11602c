"""Benchmark: the orders view over 100,000 orders in a real SQLite file.

Times opening the view (the pane built, shown and painted), filter changes, sorting,
scrolling a page further, re-reading changed rows and counting; prints resident memory.
Budgets (design.md): view shown < 0.5 s, a filter change < 0.1 s, resident memory < 300 MB.

    QT_QPA_PLATFORM=offscreen python -m tests.benchmarks.bench_orders_view [--orders 100000]

The orders are written straight into the ``orders`` table in one transaction (placing
100,000 orders through the ledger would only make the set-up slow); three panels, six
statuses, links, references and a creation time every five minutes.
Not a pytest test: budgets are read, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
try:
    import smmdesk  # noqa: F401
except ImportError:  # run from a source checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox

from smmdesk.core import store
from smmdesk.core.desk import Desk
from smmdesk.core.paths import database_path
from smmdesk.core.secrets import KeyStore
from smmdesk.core.store.sql import time_text
from smmdesk.protocol import CANONICAL_STATUSES, FINAL_STATUSES
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.jobs import Jobs
from smmdesk.ui.orders import OrdersPane
from smmdesk.ui.orders.columns import COLUMNS
from smmdesk.ui.orders.export import database_file, export_from_file
from tests.helpers.keyrings import MemoryKeyring

INSERT = (
    "INSERT INTO orders (panel_id, remote_id, service_id, service_name, service_type, params, "
    "link, quantity, expected_cost, charge, currency, status, raw_status, start_count, "
    "remains, state, source, reference, created_at, updated_at, checked_at, final) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def fill(desk: Desk, count: int, seed: int = 1) -> None:
    """``count`` orders on three panels, newest last."""
    rng = random.Random(seed)
    panels = [
        store.add_panel(desk.db, name, f"https://{name.lower()}.example/api/v2")
        for name in ("Alpha", "Beta", "Gamma")
    ]
    start = datetime.now(UTC) - timedelta(minutes=5 * count)
    rows = []
    for i in range(count):
        status = rng.choice(CANONICAL_STATUSES)
        at = time_text(start + timedelta(minutes=5 * i))
        link = f"https://instagram.com/user_{rng.randrange(20_000)}/p/{i:06d}"
        quantity = rng.randrange(100, 10_000)
        charge = f"{quantity * 0.9 / 1000:.5f}"
        params = json.dumps({"link": link, "quantity": str(quantity)})
        rows.append(
            (
                panels[i % 3].id, str(1_000_000 + i), "1", "Instagram Followers", "Default",
                params, link, quantity, charge, charge, "USD", status, status,
                rng.randrange(100, 50_000), rng.randrange(0, quantity), "placed", "form",
                f"customer {rng.randrange(5000)}", at, at, at, int(status in FINAL_STATUSES),
            )
        )  # fmt: skip
    with store.transaction(desk.db):
        desk.db.conn.executemany(INSERT, rows)


def timed(app: QApplication, action: Callable[[], object]) -> float:
    """Seconds for ``action`` plus the events (painting) it caused."""
    started = time.perf_counter()
    action()
    app.processEvents()
    return time.perf_counter() - started


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def filter_steps(pane: OrdersPane) -> list[tuple[str, Callable[[], object]]]:
    """(label, change): each applies at once, as choosing in a box or Enter does."""
    bar = pane.filters

    def choose(box: QComboBox, index: int) -> Callable[[], object]:
        return lambda: box.setCurrentIndex(index)

    def text(value: str) -> Callable[[], object]:
        return lambda: (bar.text_edit.setText(value), bar.apply_now())

    def reset() -> None:
        for box in (bar.status_box, bar.panel_box, bar.date_box):
            box.setCurrentIndex(0)

    status, panels, dates = bar.status_box, bar.panel_box, bar.date_box
    return [
        ("status = Completed", choose(status, status.findText("Completed"))),
        ("+ panel = Beta", choose(panels, panels.findData("Beta"))),
        ("+ last 7 days", choose(dates, 2)),
        ("any status, panel, time", reset),
        ("text 'user_123' (link)", text("user_123")),
        ("text 'customer 42' (reference)", text("customer 42")),
        ("text '1050000' (order id)", text("1050000")),
        ("text 'no such thing' (no match)", text("no such thing")),
        ("text cleared", text("")),
        ("open orders only", choose(status, 1)),
        ("outcome unknown (none)", choose(status, status.count() - 2)),
        ("any status", choose(status, 0)),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv)
    # (what, seconds, budget, seconds to count the matching orders afterwards)
    rows: list[tuple[str, float, float | None, float | None]] = []
    with tempfile.TemporaryDirectory() as folder:
        desk = Desk(Path(folder), KeyStore(MemoryKeyring()))
        started = time.perf_counter()
        fill(desk, args.orders)
        print(f"{args.orders:,} orders written in {time.perf_counter() - started:.1f} s")
        desk.db.close()
        rss_before = rss_mb()

        holder: list[OrdersPane] = []

        def open_view() -> None:
            desk.db = store.open_db(database_path(Path(folder)))
            pane = OrdersPane(desk, DeskEvents(), Jobs())
            pane.resize(1280, 800)
            pane.show()
            holder.append(pane)

        seconds = timed(app, open_view)
        rows.append(("open the view (db opened, first page, count, painted)", seconds, 0.5, None))
        pane = holder[0]
        for label, step in filter_steps(pane):
            seconds = timed(app, step)  # the rows shown and painted
            counting = timed(app, pane.update_count)  # then "N orders" (a timer does it)
            rows.append((f"filter: {label}", seconds, 0.1, counting))
        descending = Qt.SortOrder.DescendingOrder
        charge = next(i for i, c in enumerate(COLUMNS) if c.sort == "charge")
        pane.table.sortByColumn(charge, descending)
        for label, step in filter_steps(pane)[4:6]:
            seconds = timed(app, step)
            counting = timed(app, pane.update_count)
            rows.append((f"filter while sorted by charge: {label}", seconds, 0.1, counting))
        pane.filters.text_edit.setText("")
        pane.filters.apply_now()
        for column in (7, 6, 2, 5, 1, 11):
            seconds = timed(app, lambda c=column: pane.table.sortByColumn(c, descending))
            title = COLUMNS[column].title.lower()
            rows.append((f"sort by {title} (header click)", seconds, None, None))
        rows.append(("scroll: fetch one more page", timed(app, pane.model.fetchMore), None, None))
        held = [pane.model.order_at(r).id for r in range(100)]
        seconds = timed(app, lambda: pane.refresh_rows(held))
        rows.append(("orders_changed: 100 rows the view holds", seconds, None, None))
        many = list(range(1, 10_001))
        seconds = timed(app, lambda: pane.refresh_rows(many))
        rows.append(("orders_changed: 10,000 ids", seconds, None, None))
        rss = rss_mb()
        target = Path(folder) / "all.csv"  # the worker thread's part of "Export all matching"
        file_name = database_file(desk.db)
        seconds = timed(app, lambda: export_from_file(file_name, pane.model.query(), str(target)))
        rows.append((f"export all {args.orders:,} to CSV (worker thread)", seconds, None, None))
        # What SQLite's statistics would give (store.open_db does not collect them yet):
        # without them it filters by status through the status index, then sorts.
        desk.db.execute("ANALYZE")
        status = pane.filters.status_box
        for name in ("Completed", "Any status", "Partial"):
            seconds = timed(app, lambda n=name: status.setCurrentIndex(status.findText(n)))
            counting = timed(app, pane.update_count)
            rows.append((f"after ANALYZE: filter status = {name}", seconds, 0.1, counting))
        pane.close()
        desk.db.close()
    print(f"\n{'step':<62} {'ms':>7} {'budget':>7}       {'then count ms':>13}")
    for label, seconds, budget, counting in rows:
        verdict = "" if budget is None else ("ok" if seconds <= budget else "OVER")
        budget_text = "" if budget is None else f"{budget * 1000:.0f}"
        count_text = "" if counting is None else f"{counting * 1000:.1f}"
        print(f"{label:<62} {seconds * 1000:>7.1f} {budget_text:>7} {verdict:<4} {count_text:>13}")
    print(f"\nresident memory with the view open: {rss:.0f} MB (budget 300 MB)")
    print(f"resident memory before opening it: {rss_before:.0f} MB")


if __name__ == "__main__":
    main()
