"""A big order history written straight into the ``orders`` table (Qt-free).

Placing a million orders through the ledger would only make the set-up slow, so ``fill``
inserts rows as the ledger leaves them: three panels, five services, statuses drawn with
the given weights, links, references ("customer N", the customer), a creation time every five
minutes, newest last. Used by tests/benchmarks/bench_orders_view.py and the plan tests.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from smmdesk.core import store
from smmdesk.core.store import report_sums
from smmdesk.core.store.sql import time_text
from smmdesk.protocol import CANONICAL_STATUSES, FINAL_STATUSES

PANELS = ("Alpha", "Beta", "Gamma")
SERVICES = (  # (service id, name), the first most often
    *[("1", "Instagram Followers")] * 4,
    ("2", "Instagram Likes"),
    ("3", "TikTok Views"),
    ("4", "YouTube Views"),
    ("5", "Telegram Members"),
)
INSERT = (
    "INSERT INTO orders (panel_id, remote_id, service_id, service_name, service_type, params, "
    "link, quantity, expected_cost, charge, currency, status, raw_status, start_count, "
    "remains, state, source, reference, created_at, updated_at, checked_at, final) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def fill(
    db: Any,
    count: int,
    *,
    seed: int = 1,
    weights: Sequence[float] | None = None,
    panels: Sequence[store.Panel] = (),
    final: bool = False,
) -> None:
    """``count`` orders on ``panels`` (default: three new ones, PANELS), in turn; statuses
    drawn with ``weights`` (one per CANONICAL_STATUSES), or only final ones (``final``: a
    past no refresh asks about). Rows are made as they are written: a million take no more
    memory than a few."""
    rng = random.Random(seed)
    kinds = [s for s in CANONICAL_STATUSES if s in FINAL_STATUSES] if final else CANONICAL_STATUSES
    if final:
        weights = None
    chosen = list(panels) or [
        store.add_panel(db, name, f"https://{name.lower()}.example/api/v2") for name in PANELS
    ]
    start = datetime.now(UTC) - timedelta(minutes=5 * count)

    def rows() -> Iterator[tuple[Any, ...]]:
        for i in range(count):
            status = rng.choices(kinds, weights=weights)[0]
            at = time_text(start + timedelta(minutes=5 * i))
            link = f"https://instagram.com/user_{rng.randrange(20_000)}/p/{i:06d}"
            quantity = rng.randrange(100, 10_000)
            charge = f"{quantity * 0.9 / 1000:.5f}"
            params = json.dumps({"link": link, "quantity": str(quantity)})
            service_id, service_name = rng.choice(SERVICES)
            yield (
                chosen[i % len(chosen)].id, str(1_000_000 + i), service_id, service_name,
                "Default", params, link, quantity, charge, charge, "USD", status, status,
                rng.randrange(100, 50_000), rng.randrange(0, quantity), "placed", "form",
                f"customer {rng.randrange(5000)}", at, at, at, int(status in FINAL_STATUSES),
            )  # fmt: skip

    with store.transaction(db), bulk_load(db):
        db.conn.executemany(INSERT, rows())


@contextmanager
def bulk_load(db: Any) -> Iterator[None]:
    """Orders written inside (one transaction) without the triggers on ``orders``: the
    full-text index and the reports' running sums are then built once, as migrations m005
    and m007 build them, rather than row by row (many times slower for a million rows)."""
    triggers = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'orders' "
        "AND (name LIKE 'orders_fts%' OR name LIKE 'report_sums%')"
    ).fetchall()
    for name, _ in triggers:
        db.execute(f"DROP TRIGGER {name}")
    yield
    names = {name for name, _ in triggers}
    if "orders_fts_insert" in names:
        db.execute("INSERT INTO orders_fts(orders_fts) VALUES ('rebuild')")
    if "report_sums_insert" in names:
        report_sums.rebuild(db)
    for _, sql in triggers:
        db.execute(sql)
