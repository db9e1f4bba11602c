"""The import preview (smmdesk.core.importer.validate) against the demo panel's catalog.

Each bad row says what is wrong in words; invalid rows never block valid ones; totals per
panel are set against each balance; a row identical to one already sent from another file
is flagged as a possible duplicate; an old catalog is fetched again before checking.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

from smmdesk.core import store
from smmdesk.core.importer import read_order_file
from smmdesk.core.importer.ledger import RowState
from smmdesk.core.importer.submit import submit
from smmdesk.core.importer.validate import NO_PANEL, Preview, validate

COMMENTS = "\n".join(f"Comment {i} ✨" for i in range(10))
HEADER = ["service", "link", "quantity", "comments", "runs", "interval", "panel", "reference"]


def csv_file(rows: list[dict[str, str]], name: str = "orders.csv") -> Any:
    out = io.StringIO()
    writer = csv.DictWriter(out, HEADER, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return read_order_file(out.getvalue().encode("utf-8"), name=name)


def by_number(preview: Preview) -> dict[int, Any]:
    return {row.number: row for row in preview.rows}


def test_valid_rows_show_panel_service_type_quantity_and_cost(desk: Any, run: Any) -> None:
    order_file = csv_file(
        [
            {"service": "1", "link": "https://ig.com/p/1", "quantity": "1000", "reference": "A"},
            {
                "service": "1",
                "link": "https://ig.com/p/2",
                "quantity": "100",
                "runs": "3",
                "interval": "10",
            },
            {"service": "4", "link": "https://ig.com/p/3", "comments": COMMENTS},
            {"service": "6", "link": "https://youtube.com/@me"},
            {"service": "18.0", "link": "https://ig.com/s/1", "quantity": "100"},
        ]
    )
    preview = run(validate(desk, order_file))
    rows = by_number(preview)
    assert [row.error for row in preview.rows] == [None] * 5
    first = rows[1]
    assert (first.panel, first.service_name, first.type_name) == (
        "demo",
        "Instagram Followers [Real, Refill 30d]",
        "Default",
    )
    assert (first.quantity, first.expected_cost, first.currency) == (1000, Decimal("0.9"), "USD")
    assert first.reference == "A" and first.link == "https://ig.com/p/1"
    assert (rows[2].quantity, rows[2].expected_cost) == (300, Decimal("0.27"))  # drip-fed x3
    assert (rows[3].type_name, rows[3].quantity, rows[3].expected_cost) == (
        "Custom Comments",
        10,
        Decimal("0.08"),
    )
    assert (rows[4].quantity, rows[4].expected_cost) == (None, Decimal("25"))  # a package
    assert rows[5].service_id == "18"  # Excel's "18.0" is service 18
    assert "type" in rows[5].warnings[0] and "Story Reactions" in rows[5].type_name
    assert [row.state for row in preview.rows] == [RowState.READY] * 5
    (total,) = preview.totals
    assert (total.panel, total.rows, total.currency) == ("demo", 5, "USD")
    assert total.cost == Decimal("0.9") + Decimal("0.27") + Decimal("0.08") + 25 + Decimal("0.15")
    assert total.balance == Decimal("1000") and not total.short
    assert preview.to_send == preview.rows


def test_each_kind_of_bad_row_says_why_and_never_blocks_the_valid_ones(
    desk: Any, run: Any, demo_panel: Any
) -> None:
    run(desk.add_panel("second", demo_panel.url, demo_panel.add_account()))
    panel = desk.panel("demo")
    store.set_refuses_subscriptions(desk.db, panel.id, True)
    order_file = csv_file(
        [
            {"service": "1", "link": "https://ig.com/ok", "quantity": "100", "panel": "DEMO"},
            {"service": "1", "link": "https://ig.com/a", "quantity": "100"},
            {"service": "1", "link": "https://ig.com/b", "quantity": "100", "panel": "nowhere"},
            {"link": "https://ig.com/c", "quantity": "100", "panel": "demo"},
            {"service": "999", "link": "https://ig.com/d", "quantity": "100", "panel": "demo"},
            {"service": "1", "link": "https://ig.com/e", "quantity": "5", "panel": "demo"},
            {"service": "2", "quantity": "100", "panel": "demo"},
            {"service": "4", "link": "https://ig.com/f", "comments": "only one", "panel": "demo"},
            {
                "service": "2",
                "link": "https://ig.com/g",
                "quantity": "100",
                "runs": "2",
                "interval": "5",
                "panel": "demo",
            },
            {"service": "9", "link": "x", "panel": "demo"},
            {"service": "2", "link": "https://ig.com/ok2", "quantity": "100", "panel": "second"},
        ]
    )
    rows = by_number(run(validate(desk, order_file)))
    assert rows[1].error is None and rows[1].panel == "demo"  # names match regardless of case
    assert rows[2].error == NO_PANEL  # two panels: the row must say which
    assert rows[3].error.startswith('smmdesk has no panel named "nowhere" (panels: demo, second)')
    assert rows[4].error.startswith("The service is missing")
    assert rows[5].error.startswith('Panel "demo" has no service 999.')
    assert rows[6].error == "quantity: Quantity must be between 50 and 10,000 for this service."
    assert rows[7].error.startswith("link: ")
    assert rows[8].error.startswith("comments: Give between 10 and 1,500 comments")
    assert "doesn't offer drip-feed" in rows[9].error
    assert "does not create subscriptions through its API" in rows[10].error
    assert rows[11].error is None and rows[11].panel == "second"
    for number in range(2, 11):
        assert not rows[number].to_send and rows[number].expected_cost is None


def test_the_chosen_panel_fills_rows_without_one_and_totals_meet_the_balance(
    desk: Any, run: Any, demo_panel: Any
) -> None:
    poor = demo_panel.add_account(balance=Decimal("1.00"))
    run(desk.add_panel("poor", demo_panel.url, poor))
    order_file = csv_file(
        [{"service": "1", "link": f"https://ig.com/{n}", "quantity": "1000"} for n in range(3)]
        + [{"service": "2", "link": "https://ig.com/x", "quantity": "10", "panel": "demo"}]
    )
    preview = run(validate(desk, order_file, panel="poor"))
    assert [row.panel for row in preview.rows] == ["poor", "poor", "poor", "demo"]
    totals = {t.panel: t for t in preview.totals}
    assert (totals["poor"].rows, totals["poor"].cost) == (3, Decimal("2.7"))
    assert totals["poor"].balance == Decimal("1") and totals["poor"].short
    assert totals["demo"].cost == Decimal("0.0035") and not totals["demo"].short
    assert preview.cost_text() == "0.0035 USD + 2.70 USD"


def test_an_unreadable_line_of_mass_order_text_is_a_row_error(desk: Any, run: Any) -> None:
    text = "1|https://ig.com/1|100\n2|https://ig.com/2|100|extra|fields\n2|200|https://ig.com/3\n"
    preview = run(validate(desk, read_order_file(text.encode(), name="mass.txt")))
    rows = by_number(preview)
    assert rows[1].error is None and rows[3].error is None
    assert rows[3].quantity == 200 and rows[3].link == "https://ig.com/3"
    assert rows[2].error.startswith("This row can't be read: expected service|link|quantity")


def test_a_row_already_sent_from_another_file_is_a_possible_duplicate(desk: Any, run: Any) -> None:
    first = csv_file(
        [{"service": "1", "link": "https://ig.com/dup", "quantity": "100"}], name="monday.csv"
    )
    run(submit(desk, run(validate(desk, first))))
    second = csv_file(
        [
            {"service": "1", "link": "https://ig.com/dup", "quantity": "100", "reference": "x"},
            {"service": "1", "link": "https://ig.com/dup", "quantity": "200"},
        ],
        name="tuesday.csv",
    )
    rows = by_number(run(validate(desk, second)))
    assert rows[1].duplicate.startswith("Possible duplicate of row 1 of “monday.csv”, sent ")
    assert rows[1].to_send  # flagged, not refused: the user chooses
    assert rows[2].duplicate is None  # another quantity is another order
    again = run(validate(desk, first))  # the same file again: placed before, not a duplicate
    assert again.rows[0].state is RowState.PLACED and again.rows[0].duplicate is None
    assert not again.to_send


def test_an_old_catalog_is_fetched_again_and_a_failing_fetch_falls_back(
    desk: Any, run: Any, demo_panel: Any
) -> None:
    order_file = csv_file([{"service": "2", "link": "https://ig.com/1", "quantity": "100"}])
    demo_panel.reset_counters()
    run(validate(desk, order_file))  # fetched when the panel was added: the copy kept is used
    run(validate(desk, order_file))
    assert demo_panel.requests["services"] == 0
    run(validate(desk, order_file, max_age=timedelta(0)))
    assert demo_panel.requests["services"] == 1
    demo_panel.inject("html_200", "services", times=10)
    preview = run(validate(desk, order_file, max_age=timedelta(0)))
    assert preview.rows[0].error is None
    assert any("could not be fetched again" in note for note in preview.notes)
