"""The reports' running sums (store.report_sums, migration m007): exact whatever the amounts,
kept right by the triggers through every write smmdesk makes, built for an old database.

Each report is checked against the definition (smmdesk.core.store.reports) computed here
over every order, one by one, with Decimals."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlite_utils import Database

from smmdesk.core import store
from smmdesk.core.api.models import OrderStatus
from smmdesk.core.store import report_sums
from smmdesk.core.store.migrations import MIGRATIONS, migrate
from smmdesk.core.store.reports import REPORT_BY, report
from smmdesk.core.store.sales import set_sale
from smmdesk.protocol import CANCELED, COMPLETED, FAILED, IN_PROGRESS, PARTIAL, PENDING

# Amounts a panel or the reseller may give: tenths that floats get wrong, 7 and 18 places,
# more places than the sums hold (read one by one), negative, over a million, odd text.
AMOUNTS = ["0.1", "0.2", "0.3", "0.30000", "5", "1234.5", "0.0000001", "0.000000000000000001",
           "0.1234567890123456789", "-0.25", "999999.999999", "1000000", "12345678.5", "1E+2",
           "0", "-0", "7.00000000"]  # fmt: skip
STATUSES = [PENDING, IN_PROGRESS, COMPLETED, PARTIAL, CANCELED, FAILED, None]
RANGES = [
    (None, None),
    (date(2026, 1, 15), None),
    (None, date(2026, 2, 27)),
    (date(2026, 1, 1), date(2026, 2, 28)),
    (date(2026, 1, 31), date(2026, 3, 1)),
    (date(2026, 2, 3), date(2026, 2, 20)),
    (date(2026, 3, 1), date(2026, 3, 31)),
]
INSERT = (
    "INSERT INTO orders (panel_id, remote_id, service_id, service_name, params, "
    "expected_cost, charge, currency, status, state, source, reference, created_at, "
    "updated_at, sale_price) VALUES (?, ?, ?, ?, '{}', ?, ?, ?, ?, ?, 'form', ?, ?, ?, ?)"
)


def expected(db: Database, by: str, since: date | None, until: date | None) -> dict[Any, Any]:
    """The report by its definition: every counted order read with Decimal."""
    rows = db.execute(
        "SELECT p.name, o.created_at, o.reference, o.service_id, "
        "coalesce(o.currency, p.currency), coalesce(o.charge, o.expected_cost, '0'), "
        "o.sale_price, o.status FROM orders o JOIN panels p ON p.id = o.panel_id "
        "WHERE o.state IN ('placed', 'tracked')"
    )
    found: dict[Any, list[Any]] = defaultdict(lambda: [0, 0, Decimal(0), Decimal(0), Decimal(0)])
    for panel, created, customer, service, currency, cost_text, sale_text, status in rows:
        day = date.fromisoformat(created[:10])
        if (since and day < since) or (until and day > until):
            continue
        year, week, _ = day.isocalendar()
        key = {
            "panel": panel,
            "day": created[:10],
            "week": f"{year}-W{week:02d}",
            "month": created[:7],
            "customer": customer,
            "service": f"{panel}:{service or ''}",
        }[by]
        row = found[(key, currency)]
        cost = Decimal(cost_text)
        row[0] += 1
        row[2] += cost
        if sale_text is not None:
            sale = Decimal(0) if status in (CANCELED, FAILED) else Decimal(sale_text)
            row[1] += 1
            row[3] += sale
            row[4] += sale - cost
    return {key: tuple(values) for key, values in found.items()}


def reported(db: Database, by: str, since: date | None, until: date | None) -> dict[Any, Any]:
    return {
        (r.key, r.currency): (r.orders, r.priced, r.spent, r.sales, r.profit)
        for r in report(db, by, since=since, until=until)
    }


def check_reports(db: Database) -> None:
    for by in REPORT_BY:
        for since, until in RANGES:
            assert reported(db, by, since, until) == expected(db, by, since, until), (
                by,
                since,
                until,
            )


def check_sums(db: Database) -> None:
    """The running sums are what summing every order again gives, and reports are right."""
    kept = sums(db)
    for table in report_sums.TABLES:
        db.execute(f"DELETE FROM {table}")
    db.execute("DELETE FROM report_odd")
    report_sums.fill(db)
    assert kept == sums(db)
    check_reports(db)


def sums(db: Database) -> dict[str, set[tuple[Any, ...]]]:
    found = {}
    for table, keys in report_sums.TABLES.items():
        columns = ", ".join([*keys, *report_sums.SUMS])
        rows = db.execute(f"SELECT {columns} FROM {table} WHERE orders <> 0").fetchall()
        found[table] = set(rows)
    found["report_odd"] = set(db.execute("SELECT order_id FROM report_odd").fetchall())
    return found


def fill_orders(db: Database, count: int, seed: int = 0) -> list[store.Panel]:
    """``count`` orders over January to March 2026 with every kind of amount, key and state."""
    import random

    rng = random.Random(seed)
    panels = [
        store.add_panel(db, "Main", "https://main.example/api/v2"),
        store.add_panel(db, "Other", "https://other.example/api/v2"),
    ]
    db.execute("UPDATE panels SET currency = 'EUR' WHERE name = 'Other'")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(count):
        at = (start + timedelta(hours=rng.randrange(24 * 90))).isoformat(timespec="microseconds")
        charge = rng.choice([None, *AMOUNTS])
        rows.append(
            (rng.choice(panels).id, f"r{i}", rng.choice([None, "1", "2"]), "Followers",
             rng.choice(AMOUNTS), charge, rng.choice([None, "USD", "EUR"]),
             rng.choice(STATUSES), rng.choice(["placed", "tracked", "placed", "failed",
             "unknown", "sending"]), rng.choice([None, "Ann", "Bob", ""]), at, at,
             rng.choice([None, None, *AMOUNTS]))
        )  # fmt: skip
    with store.transaction(db):
        db.conn.executemany(INSERT, rows)
    return panels


def test_amounts_are_read_exactly_or_left_to_decimal(db: Database) -> None:
    columns = ", ".join(report_sums.amount("t"))
    texts = [*AMOUNTS, "-12.345", "123456.123456789012345678", "1234567", "0.5.5", "-", "",
             "abc", "1_000", " 5", "+5", ".5", "5.", "--5", "-.5"]  # fmt: skip
    for text in texts:
        ok, hi, lo = db.execute(f"SELECT {columns} FROM (SELECT ? AS t)", (text,)).fetchone()
        if ok:
            assert report_sums.exact(hi, lo) == Decimal(text), text
        else:
            assert text in ("0.1234567890123456789", "1000000", "12345678.5", "1E+2",
                            "1234567", "0.5.5", "-", "", "abc", "1_000", " 5", "+5",
                            "--5"), text  # fmt: skip


def test_reports_equal_the_exact_decimal_sums_over_mixed_amounts(db: Database) -> None:
    fill_orders(db, 3000)
    assert db.execute("SELECT count(*) FROM report_odd").fetchone()[0] > 0
    check_sums(db)
    [row] = [r for r in report(db, "panel") if r.key == "Main" and r.currency == "USD"]
    assert row.spent == expected(db, "panel", None, None)[("Main", "USD")][2]


def test_the_sums_stay_right_through_every_write(db: Database, make_service: Any) -> None:
    panels = fill_orders(db, 400, seed=1)
    main = panels[0]
    service = make_service("1")
    at = datetime(2026, 2, 14, 12, tzinfo=UTC)
    sent = store.record_sending(
        db, main.id, service, {"link": "x", "quantity": "1000"}, expected_cost=Decimal("0.9"),
        currency="USD", sale_price=Decimal("2.50"), reference="Ann", at=at,
    )  # fmt: skip
    check_sums(db)  # sending: not counted yet
    store.mark_placed(db, sent.id, "new-1")
    check_sums(db)
    store.apply_statuses(db, main.id, {"new-1": OrderStatus(IN_PROGRESS, "In progress")})
    check_sums(db)
    store.apply_statuses(
        db, main.id, {"new-1": OrderStatus(PARTIAL, "Partial", Decimal("0.4500001"), remains=5)}
    )
    check_sums(db)
    store.apply_statuses(db, main.id, {"new-1": OrderStatus(CANCELED, "Canceled", Decimal("0"))})
    check_sums(db)
    set_sale(db, sent.id, sale_price=Decimal("3.10"), customer="Bob")
    check_sums(db)
    set_sale(db, sent.id, clear_price=True)
    check_sums(db)
    tracked = store.track(db, main.id, "t-1", service=service, reference="Ann")
    check_sums(db)
    store.apply_statuses(
        db, main.id, {"t-1": OrderStatus(COMPLETED, "Completed", Decimal("1.25"), currency="EUR")}
    )
    check_sums(db)
    failed = store.record_sending(db, main.id, service, {"link": "y"}, at=at)
    store.mark_failed(db, failed.id, "Not enough funds")
    check_sums(db)
    later = "2026-03-30T01:00:00.000000+00:00"
    db.execute("UPDATE orders SET created_at = ? WHERE id = ?", (later, tracked.id))
    other = panels[1].id
    db.execute("UPDATE orders SET panel_id = ?, service_id = NULL WHERE id = ?", (other, sent.id))
    db.execute("UPDATE orders SET charge = '0.1234567890123456789' WHERE id % 7 = 0")
    db.execute("UPDATE orders SET charge = '0.5' WHERE id % 11 = 0")
    db.execute("UPDATE orders SET state = 'placed' WHERE state = 'unknown'")
    check_sums(db)
    db.execute("DELETE FROM orders WHERE id % 5 = 0")
    check_sums(db)
    store.remove_panel(db, "Other", purge=True)
    check_sums(db)


def test_a_status_answer_that_changes_no_amount_leaves_the_sums_alone(
    db: Database, make_service: Any
) -> None:
    panel = store.add_panel(db, "Main", "https://main.example/api/v2")
    store.track(db, panel.id, "1", service=make_service("1"))
    store.apply_statuses(db, panel.id, {"1": OrderStatus(IN_PROGRESS, "In progress", Decimal("1"))})
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    store.apply_statuses(db, panel.id, {"1": OrderStatus(IN_PROGRESS, "Active", remains=10)})
    store.apply_statuses(db, panel.id, {"1": OrderStatus(COMPLETED, "Completed", remains=0)})
    db.conn.set_trace_callback(None)
    assert not [s for s in statements if "report_" in s]  # no trigger statement ran
    check_sums(db)


def test_m007_sums_an_old_database_and_its_triggers_go_on(tmp_path: Any) -> None:
    db = Database(str(tmp_path / "old.sqlite3"))
    migrate(db, tuple(m for m in MIGRATIONS if m.__name__ < "m007"))
    fill_orders(db, 1500, seed=2)
    assert migrate(db) == ["m007_report_sums"]
    check_sums(db)
    db.execute("UPDATE orders SET sale_price = '1.05' WHERE id % 3 = 0")
    db.execute("DELETE FROM orders WHERE id % 4 = 0")
    check_sums(db)
    db.close()


def test_a_sum_that_is_no_longer_an_integer_makes_the_report_read_every_order(
    db: Database,
) -> None:
    fill_orders(db, 500, seed=3)
    for table in report_sums.TABLES:
        db.execute(f"UPDATE {table} SET spent_hi = spent_hi + 0.5")  # as an overflow leaves it
    check_reports(db)


@pytest.mark.parametrize("by", REPORT_BY)
def test_reports_by_service_name_the_latest_order(db: Database, by: str) -> None:
    panel = store.add_panel(db, "Main", "https://main.example/api/v2")
    for day, name in ((1, "Old name"), (20, "New name")):
        at = f"2026-01-{day:02d}T00:00:00.000000+00:00"
        db.execute(INSERT, (panel.id, f"r{day}", "1", name, "1", "1", "USD", COMPLETED,
                            "placed", None, at, at, None))  # fmt: skip
    rows = report(db, by)
    if by == "service":
        assert [r.name for r in rows] == ["New name"]
    assert sum(r.orders for r in rows) == 2
