"""Benchmark: reading a 10,000-row order file (``read_order_file``), before validation.

Run from the repository root: ``python -m tests.benchmarks.bench_import_read``.
The whole validate step's budget is 1 s for 10,000 rows; reading should be a small part.
Prints the best and median of several runs for each file shape.
"""

from __future__ import annotations

import codecs
import csv
import io
import statistics
import sys
import time

from smmdesk.core.importer import read_order_file

ROWS = 10_000
RUNS = 7
BUDGET = 1.0  # seconds for the whole validate step
COLUMNS = ["Service ID", "Link", "Quantity", "Runs", "Interval", "Comments", "Answer Number",
           "Usernames", "Hashtags", "Reference"]  # fmt: skip


def row(n: int) -> list[str]:
    """A few order types in turn; every fifth order has a five-line comments cell."""
    link = f"https://instagram.com/p/Cx{n:06d}/?utm=a,b;c"
    kind = n % 5
    cells = dict.fromkeys(COLUMNS, "")
    cells.update({"Service ID": str(100 + kind), "Link": link, "Reference": f"shop #{n}"})
    if kind == 0:
        cells["Comments"] = "\n".join(f"Comment {i} on post {n}, très bien 👍" for i in range(5))
    elif kind == 1:
        cells.update({"Quantity": "1000", "Runs": "5", "Interval": "30"})
    elif kind == 2:
        cells.update({"Quantity": "250", "Answer Number": "2"})
    elif kind == 3:
        cells.update({"Quantity": "500", "Usernames": "alice\nbob", "Hashtags": "#a #b"})
    else:
        cells["Quantity"] = str(100 + n)
    return [cells[c] for c in COLUMNS]


def csv_text(delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for n in range(1, ROWS + 1):
        writer.writerow(row(n))
    return out.getvalue()


def mass_text() -> str:
    return "".join(f"{100 + n % 3}|https://t.me/c{n}|{100 + n}\r\n" for n in range(1, ROWS + 1))


def files() -> dict[str, bytes]:
    return {
        "CSV UTF-8 with BOM, comma, CRLF": codecs.BOM_UTF8 + csv_text(",").encode("utf-8"),
        "Excel Unicode text (UTF-16 LE, tab)": codecs.BOM_UTF16_LE
        + csv_text("\t").encode("utf-16-le"),
        "CSV cp1252, semicolon": csv_text(";").replace("👍", "!").encode("cp1252"),
        "mass-order text": mass_text().encode("utf-8"),
    }


def measure(data: bytes) -> tuple[float, float, int]:
    times, rows = [], 0
    for _ in range(RUNS):
        start = time.perf_counter()
        order_file = read_order_file(data, name="bench.csv")
        times.append(time.perf_counter() - start)
        rows = len(order_file.rows)
    return min(times), statistics.median(times), rows


def main() -> int:
    print(f"read_order_file, {ROWS:,} rows, best/median of {RUNS} runs")
    worst = 0.0
    for label, data in files().items():
        best, median, rows = measure(data)
        if rows != ROWS:
            print(f"  {label}: read {rows} rows, expected {ROWS}", file=sys.stderr)
            return 1
        worst = max(worst, median)
        print(
            f"  {label:38} {len(data) / 1e6:5.2f} MB  best {best * 1000:6.1f} ms  "
            f"median {median * 1000:6.1f} ms  ({median / BUDGET:.0%} of the 1 s validate budget)"
        )
    print(f"worst median: {worst * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
