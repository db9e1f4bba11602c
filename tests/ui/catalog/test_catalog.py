"""The service catalog: grouped by category or flat, search as you type, sort by rate, each
service's terms shown; qtmodeltester on the tree and its proxy."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt

from smmdesk.ui.catalog.model import COLUMNS, RATE, CatalogFilter, CatalogModel
from smmdesk.ui.catalog.view import CatalogPane
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.jobs import Jobs


@pytest.fixture
def pane(gui_desk: Any, qtbot: Any) -> Any:
    events, jobs = DeskEvents(gui_desk), Jobs()
    widget = CatalogPane(gui_desk, events, jobs)
    qtbot.addWidget(widget)
    widget.show()
    widget.set_panel("demo")  # no saved catalog yet: fetched in the background
    qtbot.waitUntil(lambda: len(widget.model.services()) == 18, timeout=10_000)
    yield widget
    qtbot.waitUntil(lambda: not jobs.busy, timeout=10_000)


def visible_services(pane: CatalogPane) -> list[str]:
    proxy, found = pane.proxy, []

    def walk(parent: Any) -> None:
        for row in range(proxy.rowCount(parent)):
            index = proxy.index(row, 0, parent)
            service = proxy.service_at(index)
            if service is not None:
                found.append(service.id)
            walk(index)

    walk(pane.tree.rootIndex())
    return found


def test_models_pass_qtmodeltester(pane: CatalogPane, qtmodeltester: Any) -> None:
    qtmodeltester.check(pane.model)
    qtmodeltester.check(pane.proxy)
    pane.grouped.setChecked(False)
    qtmodeltester.check(pane.model)
    pane.search.setText("instagram")
    qtmodeltester.check(pane.proxy)


def test_an_empty_model_passes_too(qtmodeltester: Any) -> None:
    model = CatalogModel()
    qtmodeltester.check(model)
    proxy = CatalogFilter()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)


def test_grouped_by_category_with_counts(pane: CatalogPane) -> None:
    top = [pane.model.index(r, 0).data() for r in range(pane.model.rowCount())]
    assert "Instagram Mentions (6)" in top
    assert "YouTube (1)" in top
    assert len(visible_services(pane)) == 18


def test_search_as_you_type(pane: CatalogPane, qtbot: Any) -> None:
    qtbot.keyClicks(pane.search, "poll")
    assert visible_services(pane) == ["7"]
    assert pane.current_service() is not None and pane.current_service().id == "7"
    pane.search.clear()
    qtbot.keyClicks(pane.search, "mentions hashtag")
    assert sorted(visible_services(pane), key=int) == ["11", "13"]
    pane.search.setText("subscriptions")  # by type, not only by name
    assert visible_services(pane) == ["9"]
    pane.search.setText("telegram")  # by category
    assert visible_services(pane) == ["8"]
    pane.search.setText("nothing like this")
    assert visible_services(pane) == []


def test_sort_by_rate(pane: CatalogPane) -> None:
    pane.grouped.setChecked(False)
    pane.tree.sortByColumn(RATE, Qt.SortOrder.AscendingOrder)
    rates = [Decimal(pane.model.index_of(s).siblingAtColumn(RATE).data().split()[0])
             for s in visible_services(pane)]  # fmt: skip
    assert rates == sorted(rates) and rates[0] == Decimal("0.35")
    pane.tree.sortByColumn(RATE, Qt.SortOrder.DescendingOrder)
    assert visible_services(pane)[0] == "6"  # the 25.00 package
    pane.grouped.setChecked(True)  # grouped: categories stay A-Z, services by rate inside
    categories = [pane.proxy.index(r, 0).data() for r in range(pane.proxy.rowCount())]
    assert categories == sorted(categories, key=str.casefold)


def test_every_term_of_a_service_is_shown(pane: CatalogPane, qtbot: Any) -> None:
    assert pane.select_service("1")
    row = pane.model.index_of("1")
    cells = [row.siblingAtColumn(c).data() for c in range(len(COLUMNS))]
    assert cells == [
        "Instagram Followers [Real, Refill 30d]", "1", "Default", "0.90", "50", "10,000",
        "Yes", "Yes", "Yes",
    ]  # fmt: skip
    assert pane.model.index_of("6").siblingAtColumn(RATE).data() == "25.00 flat"
    assert pane.model.index_of("18").siblingAtColumn(2).data() == ("Story Reactions (unknown type)")
    text = pane.details.text()
    assert "min 50, max 10,000" in text and "refill" in text and "drip-feed" in text


def test_choosing_a_service_tells_the_form(pane: CatalogPane, qtbot: Any) -> None:
    with qtbot.waitSignal(pane.service_chosen) as chosen:
        pane.select_service("4")
    assert chosen.args[0] == "demo" and chosen.args[1].id == "4"
    with qtbot.waitSignal(pane.order_requested):
        qtbot.keyClick(pane.tree, Qt.Key.Key_Return)


def test_refresh_says_what_changed(pane: CatalogPane, qtbot: Any) -> None:
    with qtbot.waitSignal(pane.message, timeout=10_000) as said:
        pane.refresh()
    assert said.args[0] == "Catalog of demo refreshed: 0 new, 0 gone, 0 price changes."


def test_the_catalogs_description_and_average_time_are_shown(gui_desk: Any, qtbot: Any) -> None:
    """A panel whose catalog carries desc / average_time (as many do): read by the real
    parser from the panel's answer, kept with the catalog, shown with the service."""
    import json

    import httpx

    from smmdesk.core import store
    from smmdesk.core.api.parse import parse_services

    answer = [{"service": 701, "name": "Followers [Server 3] HQ Real Refill 30d", "type": "Default",
               "category": "Instagram", "rate": "1.20", "min": 10, "max": 5000,
               "desc": "<b>HQ</b> accounts<br>Start: 0-1 h", "average_time": 95}]  # fmt: skip
    services = parse_services(200, httpx.Headers(), json.dumps(answer).encode())
    store.save_catalog(gui_desk.db, gui_desk.panel("demo").id, services)
    widget = CatalogPane(gui_desk, DeskEvents(gui_desk), Jobs())
    qtbot.addWidget(widget)
    widget.panel = "demo"  # the saved catalog, as set_panel shows it first
    widget._show_saved()
    assert widget.select_service("701")
    text = widget.details.text()
    assert "HQ accounts<br>Start: 0-1 h" in text  # the panel's HTML as plain lines
    assert "Average time: 1 h 35 min (the panel's figure)" in text


def test_without_a_catalog_figure_the_time_comes_from_the_history(
    pane: CatalogPane, gui_desk: Any, make_service: Any
) -> None:
    from datetime import UTC, datetime, timedelta

    from smmdesk.core import store
    from smmdesk.core.api.models import OrderStatus

    panel = gui_desk.panel("demo")
    likes = next(s for s in pane.model.services() if s.id == "2")
    start = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    for n, minutes in enumerate((30, 90, 600)):  # the median: 90 minutes
        order = store.record_sending(gui_desk.db, panel.id, likes,
                                     {"link": f"https://x.example/{n}", "quantity": "100"},
                                     at=start)  # fmt: skip
        store.mark_placed(gui_desk.db, order.id, f"88{n}")
        done = OrderStatus("Completed", "Completed")
        store.apply_statuses(gui_desk.db, panel.id, {f"88{n}": done},
                             at=start + timedelta(minutes=minutes))  # fmt: skip
    pane.select_service("1")
    pane.select_service("2")
    assert "Your orders of it took 1 h 30 min (median of 3 orders)" in pane.details.text()
    pane.select_service("1")  # no order of it yet: nothing made up
    assert "took" not in pane.details.text() and "Average time" not in pane.details.text()
