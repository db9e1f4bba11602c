"""Text search through the full-text index, kept in step by triggers; keyset paging that
reads what offset paging would, for every sort (NULLs included) and both ways a filter is
read; the streamed CSV export with its progress and its cancel."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from smmdesk.core.export import CHUNK, ExportCancelled, export_orders, export_snapshot
from smmdesk.core.reads import Reads
from smmdesk.core.store import (
    OrderQuery,
    add_panel,
    count_orders,
    mark_placed,
    mark_unknown,
    query_orders,
    record_sending,
    remove_panel,
    resolve_unknown,
)
from smmdesk.core.store.history import SORT_KEYS, order_ids, sort_key_of
from smmdesk.ui.orders.columns import sort_key
from tests.helpers import history


def fts_is_in_step(db) -> None:
    """FTS5's own check that the index holds exactly what ``orders`` holds."""
    db.execute("INSERT INTO orders_fts(orders_fts, rank) VALUES ('integrity-check', 1)")


def texts(db, text: str) -> list[str | None]:
    return [o.link for o in query_orders(db, OrderQuery(text=text, order_by="id"))]


@pytest.fixture
def shop(db, make_service):
    """Orders with links, references and services to search in."""
    main = add_panel(db, "Main", "https://main.example/api/v2")
    rows = [
        ("https://instagram.com/p/ABC_123", "Zoë's shop", "Instagram Followers", "77001"),
        ("https://tiktok.com/@dancer", "bob", "TikTok Views", "77002"),
        ('https://example.com/"quoted"', "100% real", "Web Traffic", "ord_9"),
    ]
    made = []
    for number, (link, reference, name, remote_id) in enumerate(rows, start=1):
        order = record_sending(
            db, main.id, make_service(str(number), name=name), {"link": link, "quantity": "100"},
            reference=reference,
        )  # fmt: skip
        made.append(mark_placed(db, order.id, remote_id))
    return made


def test_text_is_found_in_any_part_of_link_reference_service_and_remote_id(db, shop):
    assert texts(db, "abc_12") == [shop[0].link]  # middle of a link, any case
    assert texts(db, "ZOË'S") == []  # LIKE folds ASCII letters only, as before
    assert texts(db, "zoë's") == [shop[0].link]
    assert texts(db, "tiktok views") == [shop[1].link]  # the service name
    assert texts(db, "7700") == [shop[0].link, shop[1].link]  # remote ids
    assert texts(db, '"quoted"') == [shop[2].link]  # FTS5 syntax is only text here
    assert texts(db, "100%") == [shop[2].link] and texts(db, "ANCE") == [shop[1].link]
    assert texts(db, "NOT") == [] and texts(db, "a*b") == []  # no query syntax either
    assert texts(db, "ok") == [shop[1].link]  # two letters: below the index, still found
    assert texts(db, f"#{shop[1].id}") == [shop[1].link]
    assert count_orders(db, OrderQuery(text="instagram")) == 1


def test_triggers_keep_the_index_in_step_with_every_write(db, shop, make_service):
    fts_is_in_step(db)
    main = shop[0].panel_id
    lost = record_sending(db, main, make_service("9"), {"link": "https://x.com/late_one"})
    mark_unknown(db, lost.id, "timeout")
    resolve_unknown(db, lost.id, "88123")  # the remote id changes: the index follows
    assert texts(db, "88123") == ["https://x.com/late_one"]
    db.execute("UPDATE orders SET reference = 'carol' WHERE id = ?", (shop[1].id,))
    assert texts(db, "carol") == [shop[1].link] and texts(db, "bob") == []
    fts_is_in_step(db)
    remove_panel(db, "Main", purge=True)
    assert texts(db, "instagram") == []
    fts_is_in_step(db)


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """6,000 orders (Completed most of them), with NULL sort values here and there."""
    from smmdesk.core.store import open_db

    db = open_db(tmp_path_factory.mktemp("keyset") / "smmdesk.sqlite3")
    history.fill(db, 6_000, weights=(2, 2, 2, 88, 4, 2))
    db.execute("UPDATE orders SET charge = NULL, quantity = NULL WHERE id % 7 = 0")
    db.execute("UPDATE orders SET status = NULL, service_name = NULL WHERE id % 11 = 0")
    db.execute("UPDATE orders SET remote_id = NULL WHERE id % 13 = 0")
    db.execute("UPDATE orders SET remote_id = 'A' || id WHERE id % 17 = 0")
    yield db
    db.close()


QUERIES = {
    "everything": OrderQuery(),
    "Completed (many: the sort's index)": OrderQuery(status="Completed"),
    "Pending (few: the filter's index)": OrderQuery(status="Pending"),
    "a panel": OrderQuery(panel="Beta"),
    "text, common": OrderQuery(text="customer 1"),
    "text, rare": OrderQuery(text="user_123"),
}


@pytest.mark.parametrize("name", QUERIES)
@pytest.mark.parametrize("order_by", [*SORT_KEYS, *(f"-{k}" for k in SORT_KEYS)])
def test_keyset_pages_read_what_one_sorted_query_reads(many, name, order_by):
    query = replace(QUERIES[name], order_by=order_by)
    everything = order_ids(many, query)
    matching = query_orders(many, replace(query, order_by="id"))
    assert everything == [o.id for o in sorted(matching, key=sort_key(order_by))]
    pages: list[int] = []
    after = None
    for _ in range(4):
        page = order_ids(many, replace(query, limit=150, after=after))
        pages += page
        if len(page) < 150:
            break
        after = sort_key_of(many, page[-1], order_by)
    assert pages == everything[: len(pages)] and len(pages) >= min(len(everything), 600)
    assert pages == order_ids(many, replace(query, limit=len(pages)))  # offset paging agrees


def test_export_streams_reports_progress_and_can_be_cancelled(many, tmp_path):
    reports: list[int] = []
    path = tmp_path / "all.csv"
    assert export_orders(many, path, progress=reports.append) == 6_000
    assert reports == [CHUNK, 6_000]
    assert path.read_bytes().count(b"\r\n") == 6_001
    stop = threading.Event()
    stop.set()
    with pytest.raises(ExportCancelled):
        export_orders(many, tmp_path / "stopped.csv", cancel=stop)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.csv"]  # nothing half-written


def test_the_views_export_stops_when_cancelled_midway(many, tmp_path):
    """The worker's part of "Export all matching": told the total, then progress; Cancel
    (here: at the first progress report) stops it and leaves no file."""
    told: list[int] = []
    stop = threading.Event()
    path = tmp_path / "big.csv"
    with pytest.raises(ExportCancelled):
        export_snapshot(
            Reads(many).file_name,
            str(path),
            OrderQuery(),
            total=told.append,
            progress=lambda _: stop.set(),
            cancel=stop,
        )
    assert told == [6_000] and list(tmp_path.iterdir()) == []
