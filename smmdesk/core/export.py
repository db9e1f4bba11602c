"""Orders to a CSV file that Excel opens correctly.

UTF-8 with a byte-order mark (Excel otherwise guesses the local code page and garbles
non-ASCII links), CRLF line ends, every field quoted when needed. A cell that would start a
formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a leading apostrophe so a
spreadsheet shows it as text instead of running it ("CSV injection"): links and comments
come from customers.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from smmdesk.core.errors import ConfigError
from smmdesk.core.store import Order

COLUMNS = (
    ("id", lambda o: o.id),
    ("panel", lambda o: o.panel_name),
    ("remote_id", lambda o: o.remote_id),
    ("service", lambda o: o.service_id),
    ("service_name", lambda o: o.service_name),
    ("type", lambda o: o.service_type),
    ("link", lambda o: o.link),
    ("quantity", lambda o: o.quantity),
    ("expected_cost", lambda o: o.expected_cost),
    ("charge", lambda o: o.charge),
    ("currency", lambda o: o.currency),
    ("status", lambda o: o.status),
    ("start_count", lambda o: o.start_count),
    ("remains", lambda o: o.remains),
    ("state", lambda o: o.state),
    ("reference", lambda o: o.reference),
    ("sale_price", lambda o: o.sale_price),
    ("created_at", lambda o: o.created_at.isoformat(timespec="seconds")),
    ("updated_at", lambda o: o.updated_at.isoformat(timespec="seconds")),
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A value as CSV text; numbers stay numbers, text that could run as a formula doesn't."""
    if value is None:
        return ""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def export_orders(path: Path | str, orders: Iterable[Order]) -> int:
    """Write ``orders`` to ``path`` (replaced atomically); return how many were written."""
    rows = ([get(order) for _, get in COLUMNS] for order in orders)
    return write_csv(path, [name for name, _ in COLUMNS], rows)


def write_csv(path: Path | str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a header and ``rows`` to ``path`` (replaced atomically); return the row count."""
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    count = 0
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(list(header))
            for row in rows:
                writer.writerow([cell(value) for value in row])
                count += 1
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ConfigError(
            f"smmdesk could not write {path.name}: {exc.strerror or exc}. Choose a folder "
            "you can write to, and close the file if a spreadsheet has it open."
        ) from None
    return count
