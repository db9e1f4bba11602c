"""Counting a text search gives the number of rows shown, whatever the text, its case and
the characters the full-text index folds differently from LIKE (ſ is "s" to the index,
the Kelvin sign "k"); a text too short for the index is looked for in the newest orders."""

from __future__ import annotations

from datetime import date

import pytest

from smmdesk.core.store import (
    OrderQuery,
    add_panel,
    count_orders,
    mark_placed,
    query_orders,
    record_sending,
    search,
)
from tests.helpers import history

LINKS = [
    "https://instagram.com/p/ABC_123", "https://example.com/\u017fkip",  # ſ: "s" to the index
    "https://example.com/\u212aeys", "https://example.com/skip", "https://ex.com/keys/KEYS",
    'https://example.com/"quoted"', "https://example.com/100%_off", "https://x.com/12",
    "https://example.com/Zo\u00eb", None,
]  # fmt: skip
TEXTS = ["abc_", "ABC_123", "skip", "SKIP", "kip", "keys", "eys", "12", "123", "100%_",
         '"quoted"', "quo", "example", "https", "nothing here", "\u017fki", "zo\u00eb",
         "Service", "customer", "1", "42"]  # fmt: skip


@pytest.fixture
def orders(db, make_service):
    panel = add_panel(db, "Main", "https://main.example/api/v2")
    for number, link in enumerate(LINKS * 3, start=1):
        params = {} if link is None else {"link": link}
        order = record_sending(
            db, panel.id, make_service(str(number % 4), name=f"Service {number % 4}"), params,
            link=link, reference=f"customer {number}" if number % 2 else None,
        )  # fmt: skip
        mark_placed(db, order.id, str(100 + number))
    return db


@pytest.mark.parametrize("text", TEXTS)
def test_the_count_is_the_number_of_orders_shown(orders, text):
    shown = len(query_orders(orders, OrderQuery(text=text)))
    assert count_orders(orders, OrderQuery(text=text)) == shown
    # the same through the index's match set checked one by one (another filter given)
    assert count_orders(orders, OrderQuery(text=text, since=date(2000, 1, 1))) == shown


def test_a_text_too_short_for_the_index_is_looked_for_in_the_newest_orders(db):
    history.fill(db, search.SHORT_TEXT_SCOPE + 100)
    oldest, newest = db.execute("SELECT min(id), max(id) FROM orders").fetchone()
    db.execute("UPDATE orders SET link = 'https://old.example/q' WHERE id = ?", (oldest,))
    db.execute("UPDATE orders SET link = 'https://new.example/q' WHERE id = ?", (newest,))
    found = query_orders(db, OrderQuery(text="/q", limit=10))
    assert [o.id for o in found] == [newest]  # the oldest is beyond the newest 50,000
    assert count_orders(db, OrderQuery(text="/q")) == 1
    assert count_orders(db, OrderQuery(text="old.example/q")) == 1  # the index finds it
    assert [o.id for o in query_orders(db, OrderQuery(text=f"#{oldest}"))] == [oldest]
