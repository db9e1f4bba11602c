"""Submitting an import (smmdesk.core.importer.submit + ledger): each row placed once.

Checked on the demo panel's own record of orders (each row has its own link): re-runs place
only what was never sent; a dropped connection or a process that died mid-request leaves the
row unknown, reported and never resent until the user resolves it; insufficient funds stop
that panel only; pause, resume and cancel act between rows. Also the ledger's migration.
"""

from __future__ import annotations

import asyncio
import csv
import io
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from smmdesk.core import store
from smmdesk.core.errors import ValidationError
from smmdesk.core.importer import ledger, read_order_file
from smmdesk.core.importer.ledger import RowState
from smmdesk.core.importer.results import write_results
from smmdesk.core.importer.submit import Control, Progress, submit
from smmdesk.core.importer.validate import row_plans, validate


def order_file(rows: list[dict[str, str]], name: str = "orders.csv") -> Any:
    header = ["service", "link", "quantity", "panel"]
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return read_order_file(out.getvalue().encode(), name=name)


def likes(count: int, prefix: str = "p", **more: str) -> list[dict[str, str]]:
    """``count`` Instagram Likes orders (service 2, 0.035 USD each), one link per row."""
    return [
        {"service": "2", "link": f"https://ig.com/{prefix}{n}", "quantity": "100", **more}
        for n in range(1, count + 1)
    ]


def links_on(panel: Any, key: str | None = None) -> Counter[str]:
    return Counter(str(order["link"]) for order in panel.orders(key))


def place(desk: Any, run: Any, file: Any, **options: Any) -> Any:
    return run(submit(desk, run(validate(desk, file)), **options))


def test_the_migration_adds_imports_and_rows_that_outlive_a_purged_panel(
    desk: Any, run: Any
) -> None:
    assert {"imports", "import_rows"} <= set(desk.db.table_names())
    assert "m002_imports" in store.applied_migrations(desk.db)
    report = place(desk, run, order_file(likes(2)))
    record = ledger.get_import(desk.db, report.import_id)
    identities = [i for (i,) in desk.db.execute("SELECT identity FROM import_rows")]
    assert identities == [f"{record.file_hash}:1", f"{record.file_hash}:2"]
    run(desk.remove_panel("demo", purge=True))  # the rows' orders go, the import stays
    kept = ledger.load_rows(desk.db, record.id)
    assert [(row.state, row.order_id) for row in kept] == [(RowState.PLACED, None)] * 2


def test_every_valid_row_is_placed_once_and_a_rerun_places_nothing(
    desk: Any, run: Any, demo_panel: Any
) -> None:
    rows = likes(8)
    rows[2]["quantity"] = "1"  # invalid: below the service's minimum
    file = order_file(rows)
    seen: list[Progress] = []
    report = place(desk, run, file, on_progress=seen.append)
    assert report.counts() == {
        "rows": 8, "placed": 7, "failed": 1, "skipped": 0, "unknown": 0, "invalid": 1,
        "placed_now": 7,
    }  # fmt: skip
    assert [p.done for p in seen] == list(range(1, 8)) and seen[-1].total == 7
    assert links_on(demo_panel) == Counter(r["link"] for r in rows if r["quantity"] == "100")
    invalid = report.rows[2]
    assert (invalid.state, invalid.link) == ("invalid", "https://ig.com/p3")
    assert invalid.error.startswith("quantity: Quantity must be between 10 and")
    placed = report.rows[0]
    order = store.get_order(desk.db, placed.order_id)
    assert (order.source, order.remote_id, order.state) == ("import", placed.remote_id, "placed")

    adds = demo_panel.requests["add"]
    again = place(desk, run, file)
    assert demo_panel.requests["add"] == adds  # nothing sent twice
    assert again.counts()["placed"] == 7 and again.placed_now == 0


def test_a_dropped_connection_leaves_the_row_unknown_never_resent_until_resolved(
    desk: Any, run: Any, demo_panel: Any
) -> None:
    file = order_file(likes(4))
    demo_panel.inject("drop_after", "add")  # the first add is placed, its answer is lost
    report = place(desk, run, file, concurrency=1)
    first = report.rows[0]
    assert first.state == "unknown" and "NOT sent again" in first.error
    assert [row.state for row in report.rows[1:]] == ["placed"] * 3
    assert links_on(demo_panel)["https://ig.com/p1"] == 1

    adds = demo_panel.requests["add"]
    again = place(desk, run, file)
    assert demo_panel.requests["add"] == adds
    assert [row.number for row in again.unresolved] == [1]
    assert run(validate(desk, file)).unresolved[0].number == 1

    (on_panel,) = [o for o in demo_panel.orders() if o["link"] == "https://ig.com/p1"]
    resolved = ledger.resolve_row(desk.db, report.import_id, 1, remote_id=str(on_panel["id"]))
    assert (resolved.state, resolved.remote_id) == (RowState.PLACED, str(on_panel["id"]))
    assert place(desk, run, file).counts()["placed"] == 4
    assert links_on(demo_panel) == Counter(f"https://ig.com/p{n}" for n in range(1, 5))


def test_an_unknown_row_is_sent_again_only_when_the_user_chooses_resend(
    desk: Any, run: Any, demo_panel: Any
) -> None:
    file = order_file(likes(2))
    demo_panel.inject("drop_before", "add")  # the connection breaks: nothing was placed
    report = place(desk, run, file, concurrency=1)
    assert [row.state for row in report.rows] == ["unknown", "placed"]
    assert place(desk, run, file).counts()["unknown"] == 1  # still not resent
    assert links_on(demo_panel)["https://ig.com/p1"] == 0
    with pytest.raises(ValidationError, match="Row 2 is placed: nothing to resolve"):
        ledger.resolve_row(desk.db, report.import_id, 2, resend=True)  # placed: nothing to do
    ledger.resolve_row(desk.db, report.import_id, 1, resend=True)
    assert place(desk, run, file).counts()["placed"] == 2
    assert links_on(demo_panel) == Counter({"https://ig.com/p1": 1, "https://ig.com/p2": 1})


def test_a_row_left_sending_by_a_dead_process_is_listed_never_resent(
    desk: Any, run: Any, demo_panel: Any
) -> None:
    file = order_file(likes(3))
    preview = run(validate(desk, file))
    record = ledger.open_import(desk.db, file)
    ledger.save_rows(desk.db, record, row_plans(preview))
    row = preview.rows[1]
    ledger.claim_row(  # committed, then the process "died" before (or while) sending
        desk.db, record.id, 2, panel=desk.panel("demo"), service=row.service, draft=row.draft
    )
    report = place(desk, run, file)
    assert [r.state for r in report.rows] == ["placed", "unknown", "placed"]
    assert report.rows[1].error.startswith("smmdesk stopped while this order was being sent")
    assert links_on(demo_panel)["https://ig.com/p2"] == 0
    ledger.resolve_row(desk.db, record.id, 2)  # checked: not on the panel, leave it
    final = place(desk, run, file)
    assert [r.state for r in final.rows] == ["placed", "not_placed", "placed"]
    assert final.counts()["skipped"] == 1 and links_on(demo_panel)["https://ig.com/p2"] == 0


def test_a_second_claim_of_the_same_row_records_nothing(desk: Any, run: Any) -> None:
    file = order_file(likes(1))
    preview = run(validate(desk, file))
    record = ledger.open_import(desk.db, file)
    ledger.save_rows(desk.db, record, row_plans(preview))
    row, panel = preview.rows[0], desk.panel("demo")
    ledger.claim_row(desk.db, record.id, 1, panel=panel, service=row.service, draft=row.draft)
    with pytest.raises(ledger.RowTaken):
        ledger.claim_row(desk.db, record.id, 1, panel=panel, service=row.service, draft=row.draft)
    assert store.count_orders(desk.db, store.OrderQuery()) == 1


def test_insufficient_funds_stops_that_panel_only_and_a_rerun_finishes(
    desk: Any, run: Any, demo_panel: Any
) -> None:
    poor = demo_panel.add_account(balance=Decimal("80"))
    run(desk.add_panel("poor", demo_panel.url, poor))
    packages = [  # 25.00 USD each: the balance pays for three
        {"service": "6", "link": f"https://youtube.com/@c{n}", "panel": "poor"} for n in range(1, 7)
    ]
    file = order_file(packages + likes(3, panel="demo"))
    report = place(desk, run, file, concurrency=1)
    states = [row.state for row in report.rows]
    assert states == ["placed"] * 3 + ["failed"] + ["skipped"] * 2 + ["placed"] * 3
    assert "balance" in report.rows[3].error.lower()
    assert report.rows[4].error.startswith('Not sent: the balance of panel "poor" ran out.')
    assert set(report.stopped) == {"poor"}
    assert sum(links_on(demo_panel, poor).values()) == 3

    demo_panel.set_balance(Decimal("1000"), poor)
    final = place(desk, run, file, concurrency=1)
    assert final.counts()["placed"] == 9 and final.placed_now == 3
    assert links_on(demo_panel, poor) == Counter(p["link"] for p in packages)
    assert sum(links_on(demo_panel).values()) == 3


def test_pause_holds_the_rows_and_resume_sends_the_rest(
    desk: Any, run: Any, demo_panel: Any
) -> None:
    file = order_file(likes(6))
    preview = run(validate(desk, file))
    control = Control()

    async def scenario() -> Any:
        paused = asyncio.get_running_loop().create_future()

        def on_progress(progress: Progress) -> None:
            if progress.done == 2:
                control.pause()
                paused.set_result(None)

        task = asyncio.ensure_future(
            submit(desk, preview, control=control, on_progress=on_progress, concurrency=1)
        )
        await paused
        await asyncio.sleep(0.3)  # time a paused run could misuse to send more
        held = len(demo_panel.orders())
        control.resume()
        return held, await task

    held, report = run(scenario())
    assert held == 2
    assert report.counts()["placed"] == 6 and not report.canceled


def test_cancel_stops_between_rows_and_a_rerun_places_the_rest(
    desk: Any, run: Any, demo_panel: Any
) -> None:
    file = order_file(likes(6))
    control = Control()

    def on_progress(progress: Progress) -> None:
        if progress.done == 2:
            control.cancel()

    report = place(desk, run, file, control=control, on_progress=on_progress, concurrency=1)
    assert report.canceled and report.counts()["placed"] == 2
    assert report.counts()["skipped"] == 4
    assert report.rows[5].error.startswith("Not sent: the import was canceled.")
    final = place(desk, run, file)
    assert final.counts()["placed"] == 6
    assert links_on(demo_panel) == Counter(f"https://ig.com/p{n}" for n in range(1, 7))


def test_a_few_adds_are_in_flight_at_once_per_panel(desk: Any, run: Any, demo_panel: Any) -> None:
    file = order_file(likes(8))
    preview = run(validate(desk, file))
    demo_panel.latency = 0.2
    started = time.perf_counter()
    report = run(submit(desk, preview, concurrency=4))
    elapsed = time.perf_counter() - started
    assert report.counts()["placed"] == 8
    assert 0.4 <= elapsed < 1.4  # two rounds of four; one at a time would take 1.6 s


def test_the_result_file_has_one_line_per_row_and_no_live_formulas(
    desk: Any, run: Any, tmp_path: Path
) -> None:
    rows = likes(2)
    rows[1]["link"] = "=HYPERLINK(1)"
    report = place(desk, run, order_file(rows))
    path = write_results(tmp_path / "result.csv", report.rows)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0] == ["row", "panel", "service", "link", "state", "remote_id", "error"]
    assert lines[1][:5] == ["1", "demo", "2", "https://ig.com/p1", "placed"]
    assert lines[1][5] == report.rows[0].remote_id
    assert lines[2][3] == "'=HYPERLINK(1)"  # shown as text, never run
