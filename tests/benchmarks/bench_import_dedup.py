"""Benchmark: a 10,000-row import checked for duplicates against a million-order history.

The history: a million orders (tests/helpers/history.py), each placed by an earlier import
whose row carries the order's fingerprint (panel, service, fields), as the ledger records
it. The check: what ``validate`` does before the preview, ``sent_duplicates`` over the new
file's 10,000 fingerprints in chunks of DUPLICATE_CHUNK; half of them are in the history.
Budget: under 1 s. Run with and without the planner's statistics (ANALYZE).

    python -m tests.benchmarks.bench_import_dedup [--orders 1000000]

Not a pytest test: budgets are read, not asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

try:
    import smmdesk  # noqa: F401
except ImportError:  # run from a source checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from smmdesk.core.importer.ledger import sent_duplicates
from smmdesk.core.importer.validate import DUPLICATE_CHUNK, fingerprint
from smmdesk.core.store import open_db
from tests.helpers import history

ROWS = 10_000
BUDGET_S = 1.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        db = open_db(Path(folder) / "smmdesk.sqlite3")
        started = time.perf_counter()
        history.fill(db, args.orders)
        db.conn.create_function(
            "fingerprint", 3, lambda p, s, params: fingerprint(p, s, json.loads(params))
        )
        with db.conn:
            db.execute(
                "INSERT INTO imports (id, file_hash, file_name, format, row_count, created_at, "
                "updated_at) VALUES (1, 'earlier', 'earlier.csv', 'csv', 0, 'x', 'x')"
            )
            db.execute(
                'INSERT INTO import_rows (import_id, row_number, identity, line, "values", '
                "fingerprint, state, order_id, updated_at) SELECT 1, id, 'earlier:' || id, id, "
                "'{}', fingerprint(panel_id, service_id, params), 'placed', id, 'x' FROM orders"
            )
        print(f"{args.orders:,} imported orders written in {time.perf_counter() - started:.1f} s")
        known = [
            r[0] for r in db.execute("SELECT fingerprint FROM import_rows LIMIT ?", (ROWS // 2,))
        ]
        prints = known + [f"new-{n}" for n in range(ROWS - len(known))]
        for label in ("without statistics", "after ANALYZE"):
            if label == "after ANALYZE":
                db.execute("ANALYZE")
            started = time.perf_counter()
            found = {}
            for start in range(0, len(prints), DUPLICATE_CHUNK):
                chunk = prints[start : start + DUPLICATE_CHUNK]
                found |= sent_duplicates(db, chunk, other_than="this-file")
            seconds = time.perf_counter() - started
            verdict = "ok" if seconds <= BUDGET_S else "OVER"
            print(
                f"{ROWS:,} rows checked ({len(found):,} duplicates), {label}: "
                f"{seconds * 1000:.0f} ms (budget {BUDGET_S * 1000:.0f} ms) {verdict}"
            )
        db.close()


if __name__ == "__main__":
    main()
