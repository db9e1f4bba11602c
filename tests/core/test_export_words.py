"""The export's words columns, written by SQL, say what the vocabulary says in Python for
every stored order (smmdesk.core.export: ``status_sql`` and the cost's SQL), on a real
SQLite connection."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from smmdesk.core import export
from smmdesk.core.export import cell
from smmdesk.core.store.orders import LOST_AFTER
from smmdesk.core.store.sql import money_text, parse_money
from smmdesk.core.vocabulary import OrderState, cost_text, status_text
from smmdesk.protocol import CANONICAL_STATUSES, UNKNOWN

# what panels and smmdesk store: under a billion, up to 18 places
AMOUNTS = st.integers(0, 18).flatmap(
    lambda places: st.decimals(
        min_value=Decimal("-1000000"), max_value=Decimal("999999999"), places=places
    )
)
STATUSES = st.sampled_from([None, UNKNOWN, "Paused", "=HYPERLINK()", *CANONICAL_STATUSES])


def sql_words(row: tuple[object, ...]) -> tuple[str, str]:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE TABLE orders (id INTEGER, state TEXT, status TEXT, raw_status TEXT, "
        "not_found_count INTEGER, charge TEXT, expected_cost TEXT, currency TEXT)"
    )
    db.execute("INSERT INTO orders VALUES (1, ?, ?, ?, ?, ?, ?, ?)", row)
    sql = f"SELECT {export._STATUS_SQL}, {export._cost_sql()} FROM orders o"
    return db.execute(sql).fetchone()


@settings(max_examples=300)
@given(
    st.sampled_from(list(OrderState)),
    STATUSES,
    st.sampled_from([None, "", "Paused", "it's 'odd'", "=cmd", "-1"]),
    st.integers(0, LOST_AFTER + 1),
    st.none() | AMOUNTS,
    st.none() | AMOUNTS,
    st.sampled_from([None, "", "USD", "EUR"]),
)
def test_the_sql_says_what_the_vocabulary_says(
    state, status, raw, not_found, charge, expected, currency
) -> None:
    stored = (money_text(charge), money_text(expected))
    row = (state, status, raw, not_found, *stored, currency)
    lost = not_found >= LOST_AFTER
    by_python = (
        cell(status_text(state, status, raw, lost, translated=False)),
        cell(cost_text(state, parse_money(stored[0]), parse_money(stored[1]), currency)),
    )
    assert sql_words(row) == by_python


def test_an_amount_in_another_form_is_worded_by_decimal(tmp_path, make_service) -> None:
    from smmdesk.core import store
    from smmdesk.core.store.db import open_db

    db = open_db(tmp_path / "smmdesk.sqlite3")
    panel = store.add_panel(db, "P", "https://p.example/api/v2")
    order = store.record_sending(db, panel.id, make_service("1"), {"link": "x", "quantity": "10"})
    store.mark_placed(db, order.id, "77")
    with db.conn:  # as an old version could have stored it
        db.execute("UPDATE orders SET charge = '1E+2', currency = 'USD' WHERE id = ?", [order.id])
    path = tmp_path / "out.csv"
    assert export.export_orders(db, path) == 1
    assert path.read_text(encoding="utf-8-sig").splitlines()[1].endswith(",100.00 USD")
