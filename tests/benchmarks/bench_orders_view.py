"""Benchmark: the orders view over a big history (100,000 orders; a big reseller's
million with ``--orders 1000000``) in a real SQLite file.

Times opening the view (the pane built, shown and painted), every filter, search and sort
the view offers (the rows shown and painted), then how long the count takes to show ("N
orders", counted on a worker thread while the view stays usable), scrolling one page and
fifty pages down, re-reading changed rows, exporting every order to CSV, and resident
memory, and each report (best of 3). Each step is printed with its budget and "ok" or
"OVER": open < 300 ms; each filter, search or sort < 100 ms; a count < 200 ms; the export
< 10 s; memory < 300 MB; a report < 0.5 s (< 1 s over more than 100,000 orders).

    QT_QPA_PLATFORM=offscreen python -m tests.benchmarks.bench_orders_view [--orders 1000000]

The orders are written straight into the ``orders`` table (tests/helpers/history.py) of a
database as smmdesk made it before migration m005, which is then applied and timed: how
long an existing history takes to gain its indexes and full-text index; then m007 (the
reports' running sums), timed too. ``--orders 2000``
is the reduced run the tests make. Not a pytest test: budgets are read, not asserted; it
exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
try:
    import smmdesk  # noqa: F401
except ImportError:  # run from a source checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox
from sqlite_utils import Database

from smmdesk.core import store
from smmdesk.core.desk import Desk
from smmdesk.core.paths import database_path
from smmdesk.core.secrets import KeyStore
from smmdesk.core.store import reports as business_reports
from smmdesk.core.store.migrations import MIGRATIONS, migrate
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.jobs import Jobs
from smmdesk.ui.orders import OrdersPane
from smmdesk.ui.orders.columns import COLUMNS
from tests.helpers import history
from tests.helpers.keyrings import MemoryKeyring

OPEN_S, STEP_S, COUNT_S, EXPORT_S, RSS_MB = 0.3, 0.1, 0.2, 10.0, 300
REPORT_S, REPORT_MILLION_S = 0.5, 1.0

# (what, seconds, budget)
Row = tuple[str, float, float | None]


def existing_history(folder: Path, count: int) -> tuple[float, float, float]:
    """A data folder whose database holds ``count`` orders (tests/helpers/history.py)
    written before migration m005, then migrated by this smmdesk: up to m006 (m005: its
    indexes and the full-text index built for every order), then m007 (the reports' running
    sums) and the rest as opening it does. (seconds to write, to migrate to m006, the rest)"""
    folder.mkdir(parents=True, exist_ok=True)
    db = Database(str(database_path(folder)))
    db.enable_wal()
    migrate(db, tuple(m for m in MIGRATIONS if m.__name__ < "m005"))
    started = time.perf_counter()
    history.fill(db, count)
    written = time.perf_counter() - started
    started = time.perf_counter()
    migrate(db, tuple(m for m in MIGRATIONS if m.__name__ < "m007"))
    to_m006 = time.perf_counter() - started
    db.close()
    started = time.perf_counter()
    store.open_db(database_path(folder)).close()
    return written, to_m006, time.perf_counter() - started


def reports(db: Database, count: int) -> list[Row]:
    """Each report over every order (and over the last 45 days), best of 3 (as
    tests/benchmarks/bench_business.py times them): < 0.5 s up to 100,000 orders, < 1 s
    at a million."""
    budget = REPORT_S if count <= 100_000 else REPORT_MILLION_S
    last = db.execute("SELECT max(created_at) FROM orders").fetchone()[0]
    since = date.fromisoformat(last[:10]) - timedelta(days=45) if last else None
    rows: list[Row] = []
    every = [(by, None) for by in business_reports.REPORT_BY]
    for by, start in [*every, ("day", since), ("customer", since)]:
        best = min(
            timed_plain(lambda b=by, s=start: business_reports.report(db, b, since=s))
            for _ in range(3)
        )
        label = f"report --by {by}" + (" --since (45 days ago)" if start else "")
        rows.append((label, best, budget))
    return rows


def timed_plain(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def timed(app: QApplication, action: Callable[[], object]) -> float:
    """Seconds for ``action`` plus the events (painting) it caused."""
    started = time.perf_counter()
    action()
    app.processEvents()
    return time.perf_counter() - started


def count_shown(pane: OrdersPane, limit_s: float = 60.0) -> float:
    """Seconds from asking for the count to "N orders" in the label (a worker counts)."""
    loop = QEventLoop()
    pane.model.counted.connect(loop.quit)
    QTimer.singleShot(int(limit_s * 1000), loop.quit)
    started = time.perf_counter()
    pane.update_count()
    loop.exec()
    seconds = time.perf_counter() - started
    pane.model.counted.disconnect(loop.quit)
    return seconds


def rss_mb(peak: bool = False) -> float:
    """Resident memory now (or at its peak so far), in MB."""
    field = "VmHWM:" if peak else "VmRSS:"
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    most = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return most / (1024 * 1024 if sys.platform == "darwin" else 1024)


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
        ("text 'followers' (every order's service)", text("followers")),
        ("text cleared", text("")),
        ("open orders only", choose(status, 1)),
        ("outcome unknown (none)", choose(status, status.count() - 2)),
        ("not placed (none)", choose(status, status.count() - 1)),
        ("any status", choose(status, 0)),
    ]


def filters_and_counts(app: QApplication, pane: OrdersPane, what: str, steps: list) -> list[Row]:
    rows: list[Row] = []
    for label, step in steps:
        rows.append((f"{what}{label}", timed(app, step), STEP_S))
        rows.append(("  then the count shown", count_shown(pane), COUNT_S))
    return rows


def sorts(app: QApplication, pane: OrdersPane) -> list[Row]:
    rows: list[Row] = []
    descending, ascending = Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder
    for column, spec in enumerate(COLUMNS):
        if spec.sort is None:
            continue
        for order, word in ((descending, "descending"), (ascending, "ascending")):
            seconds = timed(app, lambda c=column, o=order: pane.table.sortByColumn(c, o))
            rows.append((f"sort by {spec.title.lower()} {word} (header click)", seconds, STEP_S))
    created = next(i for i, c in enumerate(COLUMNS) if c.sort == "created_at")
    pane.table.sortByColumn(created, descending)
    return rows


def scrolling(app: QApplication, pane: OrdersPane) -> list[Row]:
    rows: list[Row] = [("scroll: fetch one more page", timed(app, pane.model.fetchMore), STEP_S)]
    for _ in range(48):
        pane.model.fetchMore()
    seconds = timed(app, pane.model.fetchMore)
    rows.append((f"scroll: page 51 ({pane.model.rowCount():,} rows held)", seconds, STEP_S))
    held = [pane.model.order_at(r).id for r in range(100)]
    rows.append(
        (
            "orders_changed: 100 rows the view holds",
            timed(app, lambda: pane.refresh_rows(held)),
            None,
        )
    )
    many = list(range(1, 10_001))
    rows.append(("orders_changed: 10,000 ids", timed(app, lambda: pane.refresh_rows(many)), None))
    return rows


def export_all(desk: Desk, pane: OrdersPane, folder: Path, count: int) -> tuple[list[Row], str]:
    """The worker thread's part of "Export all matching" (with its progress reports)."""
    target = folder / "all.csv"
    reports: list[int] = []
    started = time.perf_counter()
    written = desk.export_orders(
        target, pane.model.query(), total=reports.append, progress=reports.append
    )
    seconds = time.perf_counter() - started
    with target.open(encoding="utf-8-sig", newline="") as handle:
        lines = sum(1 for _ in csv.reader(handle)) - 1
    note = (
        f"export: {written:,} rows ({lines:,} in the file, {target.stat().st_size / 1e6:.0f} MB), "
        f"{written / max(seconds, 1e-9):,.0f} rows/s, {len(reports) - 1} progress reports"
    )
    return [(f"export all {count:,} orders to CSV (worker thread)", seconds, EXPORT_S)], note


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        written, migrated, summed = existing_history(folder, args.orders)
        print(f"{args.orders:,} orders written in {written:.1f} s", flush=True)
        print(f"migration m005 on them (indexes, full-text index): {migrated:.1f} s", flush=True)
        print(f"migration m007 on them (the reports' running sums): {summed:.1f} s", flush=True)
        desk = Desk(folder, KeyStore(MemoryKeyring()))
        desk.db.close()
        rss_before = rss_mb()
        holder: list[OrdersPane] = []

        def open_view() -> None:
            desk.reopen()  # the database opened again, as at start
            pane = OrdersPane(desk, DeskEvents(desk), Jobs())
            pane.resize(1280, 800)
            pane.show()
            holder.append(pane)

        rows.append(
            ("open the view (db opened, first page, painted)", timed(app, open_view), OPEN_S)
        )
        pane = holder[0]
        rows.append(("  then the count shown", count_shown(pane), COUNT_S))
        rows += filters_and_counts(app, pane, "filter: ", filter_steps(pane))
        charge = next(i for i, c in enumerate(COLUMNS) if c.sort == "charge")
        pane.table.sortByColumn(charge, Qt.SortOrder.DescendingOrder)
        sorted_steps = [filter_steps(pane)[i] for i in (0, 3, 4, 5, 6, 7, 9, 10, 11, 13)]
        rows += filters_and_counts(app, pane, "sorted by charge: ", sorted_steps)
        rows += sorts(app, pane)
        rows += scrolling(app, pane)
        rows += reports(desk.db, args.orders)
        rss = rss_mb()
        exported, note = export_all(desk, pane, folder, args.orders)
        rows += exported
        peak = rss_mb(peak=True)
        # What the statistics Desk.aclose's "PRAGMA optimize" may collect change in the plans:
        desk.db.execute("ANALYZE")
        steps = filter_steps(pane)
        rows += filters_and_counts(
            app, pane, "after ANALYZE: ", [steps[i] for i in (0, 1, 3, 4, 11, 13)]
        )
        pane.close()
        desk.db.close()
    report(rows, [
        ("resident memory with the view open (MB)", rss, RSS_MB),
        ("resident memory at its peak, export included (MB)", peak, RSS_MB),
    ], rss_before, note)  # fmt: skip


def report(
    rows: list[Row], memory: list[tuple[str, float, float]], rss_before: float, note: str
) -> None:
    print(f"\n{'step':<66} {'ms':>9} {'budget':>8}")
    over = 0
    for label, seconds, budget in rows:
        verdict = "" if budget is None else ("ok" if seconds <= budget else "OVER")
        over += verdict == "OVER"
        budget_text = "" if budget is None else f"{budget * 1000:.0f}"
        print(f"{label:<66} {seconds * 1000:>9.1f} {budget_text:>8} {verdict}")
    print()
    for label, value, budget in memory:
        verdict = "ok" if value <= budget else "OVER"
        over += verdict == "OVER"
        print(f"{label:<66} {value:>9.0f} {budget:>8} {verdict}")
    print(f"resident memory before opening the view: {rss_before:.0f} MB")
    print(note)
    print(f"\n{over} step(s) over budget" if over else "\nevery step within its budget")


if __name__ == "__main__":
    main()
