"""Every filter and sort the orders view offers reads through an index, never a full scan
of ``orders``: a reduced history (20,000 orders) and SQLite's own ``EXPLAIN QUERY PLAN``
for each statement a page, the next page and a count run (plans, not timings: the
figures are in tests/benchmarks/bench_orders_view.py). Also the benchmark's reduced run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from smmdesk.core.importer.ledger import sent_duplicates
from smmdesk.core.store import OrderQuery, count_orders, expire_sending, get_panel, open_db
from smmdesk.core.store.history import DENSE, order_ids, sort_key_of
from smmdesk.core.store.statuses import open_orders
from smmdesk.ui.orders.columns import COLUMNS
from smmdesk.ui.orders.filters import STATUS_CHOICES
from tests.helpers import history

ROOT = Path(__file__).resolve().parents[3]
ORDERS = 20_000
# Completed is most orders, so that a status filter is read both ways: along the sort's
# index (Completed: many) and through the filter's own index (the others: few).
WEIGHTS = (3, 3, 3, 80, 8, 3)  # Pending, In progress, Partial, Completed, Canceled, Failed

SORTS = [c.sort for c in COLUMNS if c.sort is not None]
NOW = datetime.now().astimezone()
FILTERS: dict[str, OrderQuery] = {
    **{f"status box: {label}": OrderQuery(**fields) for label, fields in STATUS_CHOICES},
    "panel": OrderQuery(panel="Beta"),
    "panel + status": OrderQuery(panel="Beta", status="Completed"),
    "last 7 days": OrderQuery(since=NOW - timedelta(days=6), until=NOW + timedelta(days=1)),
    "panel + status + last 30 days": OrderQuery(
        panel="Beta", status="Completed", since=NOW - timedelta(days=29)
    ),
    "text in links": OrderQuery(text="user_123"),
    "text in references": OrderQuery(text="customer 42"),
    "text: an order id": OrderQuery(text="1005000"),
    "text: no match": OrderQuery(text="no such thing"),
    "text: every order's service": OrderQuery(text="followers"),
    "text + status": OrderQuery(text="user_1", status="Pending"),
}
FULL_SCAN = re.compile(r"^SCAN (o|orders)$")


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    db = open_db(tmp_path_factory.mktemp("plans") / "smmdesk.sqlite3")
    history.fill(db, ORDERS, weights=WEIGHTS)
    # some orders without a charge, quantity, service name, status or remote id yet
    db.execute("UPDATE orders SET charge = NULL, quantity = NULL WHERE id % 97 = 0")
    db.execute("UPDATE orders SET status = NULL, service_name = NULL WHERE id % 89 = 0")
    db.execute("UPDATE orders SET remote_id = NULL, state = 'sending' WHERE id % 83 = 0")
    try:
        yield db
    finally:
        db.close()


def statements(db: Any, query: OrderQuery) -> list[str]:
    """Every SQL statement (values bound) a first page, the page after it and the count of
    ``query`` run."""
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        page = order_ids(db, replace(query, limit=200))
        if page:
            after = sort_key_of(db, page[-1], query.order_by)
            order_ids(db, replace(query, limit=200, after=after))
        count_orders(db, query)
    finally:
        db.conn.set_trace_callback(None)
    return [sql for sql in seen if sql.lstrip().upper().startswith("SELECT")]


def full_scans(db: Any, sql: str) -> list[str]:
    """The steps of ``sql``'s plan that read every order: the table itself, unless in id
    order for a sort by id (the table is that index: the page ends the scan)."""
    plan = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}")]
    by_id = re.search(r"ORDER BY o\.id( DESC)? LIMIT", sql) and not any(
        "TEMP B-TREE FOR ORDER BY" in step for step in plan
    )
    return [step for step in plan if FULL_SCAN.match(step) and not by_id]


def check_plans(db: Any) -> list[str]:
    problems = []
    for name, query in FILTERS.items():
        for sort in SORTS:
            for order_by in (sort, f"-{sort}"):
                for sql in statements(db, replace(query, order_by=order_by)):
                    if full_scans(db, sql):
                        problems.append(f"{name}, by {order_by}: {sql}")
    return problems


def test_the_fixture_reads_status_filters_both_ways(big_db):
    completed = count_orders(big_db, OrderQuery(status="Completed"))
    pending = count_orders(big_db, OrderQuery(status="Pending"))
    assert completed >= DENSE > pending > 0


def test_no_filter_or_sort_of_the_view_scans_every_order(big_db):
    assert check_plans(big_db) == []


def test_nor_with_the_statistics_analyze_collects(big_db):
    big_db.execute("ANALYZE")
    try:
        assert check_plans(big_db) == []
    finally:
        forget_statistics(big_db)


def forget_statistics(db: Any) -> None:
    db.execute("DROP TABLE IF EXISTS sqlite_stat1")
    db.execute("ANALYZE sqlite_schema")  # the planner reloads what it knows


@pytest.mark.parametrize("statistics", [False, True])
def test_startup_and_refresh_read_only_what_they_need(big_db, statistics):
    """Desk start (orders a dead process left sending) and a status refresh (a panel's open
    orders) find their rows through an index, whatever the size of the history."""
    if statistics:
        big_db.execute("ANALYZE")
    seen: list[str] = []
    big_db.conn.set_trace_callback(seen.append)
    try:
        expire_sending(big_db)
        open_orders(big_db, get_panel(big_db, "Beta").id)
    finally:
        big_db.conn.set_trace_callback(None)
    reads = [sql for sql in seen if sql.lstrip().upper().startswith("SELECT")]
    assert any("'sending'" in sql for sql in reads) and any("final = 0" in sql for sql in reads)
    for sql in reads:
        plan = [row[3] for row in big_db.execute(f"EXPLAIN QUERY PLAN {sql}")]
        assert not any(step.startswith("SCAN") for step in plan), (sql, plan)
    if statistics:
        forget_statistics(big_db)


def test_the_benchmarks_reduced_run_prints_every_budget(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.bench_orders_view", "--orders", "2000"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert any(line.startswith("open the view") and line.split()[-2] == "300" for line in lines)
    assert any(line.startswith("export all 2,000 orders") for line in lines)
    assert any(line.startswith("sort by charge descending") for line in lines)
    assert any(line.startswith("report --by customer") and line.split()[-2] == "500"
               for line in lines)  # fmt: skip
    assert sum("then the count shown" in line for line in lines) >= 20
    assert "export: 2,000 rows (2,000 in the file" in done.stdout


def test_import_duplicates_are_looked_up_by_fingerprint_not_through_the_orders(big_db):
    """Checking 10,000 rows of a file against the rows of earlier imports reads those rows'
    fingerprints, whatever the index on orders' states offers the planner."""
    with big_db.conn:
        big_db.execute(
            "INSERT INTO imports (id, file_hash, file_name, format, row_count, created_at, "
            "updated_at) VALUES (1, 'old', 'old.csv', 'csv', 0, 'x', 'x')"
        )
        big_db.execute(
            'INSERT INTO import_rows (import_id, row_number, identity, line, "values", '
            "fingerprint, state, order_id, updated_at) "
            "SELECT 1, id, 'old:' || id, id, '{}', 'print' || id, 'placed', id, 'x' FROM orders"
        )
    seen: list[str] = []
    big_db.conn.set_trace_callback(seen.append)
    try:
        found = sent_duplicates(big_db, [f"print{i}" for i in range(1, 1001)], other_than="new")
    finally:
        big_db.conn.set_trace_callback(None)
    assert len(found) == 1000
    reads = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert reads
    for sql in reads:
        plan = [row[3] for row in big_db.execute(f"EXPLAIN QUERY PLAN {sql}")]
        assert plan[0].startswith("SEARCH r USING INDEX import_rows_by_fingerprint"), plan
