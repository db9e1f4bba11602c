"""The service catalog: grouped by category or flat, search as you type, sort by rate, each
service's terms shown; qtmodeltester on the tree and its proxy."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt

from smmdesk.ui.catalog import CatalogPane
from smmdesk.ui.catalog_model import COLUMNS, RATE, CatalogFilter, CatalogModel
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.jobs import Jobs


@pytest.fixture
def pane(gui_desk: Any, qtbot: Any) -> Any:
    events, jobs = DeskEvents(), Jobs()
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
    assert said.args[0] == "Catalog of demo refreshed: 0 new, 0 gone, 0 price change(s)."
