"""The orders view keeps up with real orders on the demo panel: placed orders appear when
announced, a status refresh re-reads only the orders it changed (no model reset), filtered
views gain and lose rows as statuses move, the detail pane shows the new history.
"""

from __future__ import annotations

import pytest

from smmdesk.ui.events import DeskEvents
from tests.helpers.orders_view import open_pane, place

PANEL_MINUTES_TO_FINISH = 600  # every demo order has ended by then


@pytest.fixture
def live(gui_desk, qtbot):
    opened = open_pane(qtbot, gui_desk)
    yield opened
    opened.pane.close()
    assert not opened.failures


def test_placed_orders_appear_when_announced_if_they_match(live, qtbot):
    other = open_pane(qtbot, live.desk, live.events)  # a second view, filtered by text
    other.pane.filters.text_edit.setText("first")
    other.pane.filters.apply_now()
    first = place(qtbot, live.jobs, live.desk, "https://instagram.com/p/first")
    second = place(qtbot, live.jobs, live.desk, "https://instagram.com/p/second")
    # the Desk announced them (no widget emits): both views show what matches
    qtbot.waitUntil(lambda: live.shown() == [second.id, first.id])  # newest first
    assert other.shown() == [first.id]
    assert live.status_of(first.id) == "Pending"
    qtbot.waitUntil(lambda: live.pane.count_label.text() == "2 orders")
    other.pane.close()


def test_a_refresh_rereads_only_the_changed_rows(live, qtbot, demo_panel):
    ids = [
        place(qtbot, live.jobs, live.desk, f"https://instagram.com/p/{name}#{outcome}").id
        for name, outcome in (("a", "complete"), ("b", "partial"), ("c", "complete"))
    ]
    live.events.flush()  # what the Desk published of them, told now
    pending = open_pane(qtbot, live.desk, live.events)
    pending.pane.filters.status_box.setCurrentText("Pending")
    completed = open_pane(qtbot, live.desk, live.events)
    completed.pane.filters.status_box.setCurrentText("Completed")
    assert sorted(pending.shown()) == sorted(ids) and completed.shown() == []
    resets, changed_rows = [], []
    live.pane.model.modelReset.connect(lambda: resets.append(1))
    live.pane.model.dataChanged.connect(lambda top, bottom, roles: changed_rows.append(top.row()))

    demo_panel.advance(PANEL_MINUTES_TO_FINISH)
    changes = live.refresh(qtbot)

    assert set(changes.changed) == set(ids)
    assert [live.status_of(i) for i in ids] == ["Completed", "Partial", "Completed"]
    assert resets == [] and sorted(changed_rows) == [0, 1, 2]
    assert pending.shown() == []  # they no longer match: removed
    assert completed.shown() == [ids[2], ids[0]]  # now they match: inserted in order
    qtbot.waitUntil(lambda: completed.pane.count_label.text() == "2 orders")
    partial = live.pane.model.order_at(live.pane.model.row_of(ids[1]))
    assert partial.remains == demo_panel.order(partial.remote_id)["remains"] > 0
    for view in (pending, completed):
        view.pane.close()
        assert not view.failures


def test_a_refresh_that_changes_nothing_shown_leaves_the_rows(live, qtbot, demo_panel):
    order = place(qtbot, live.jobs, live.desk, "https://instagram.com/p/quiet")
    live.events.orders_added.emit([order.id])
    before = live.pane.model.order_at(0)
    live.events.orders_changed.emit([])
    live.events.orders_changed.emit([order.id])  # nothing changed in the store
    assert live.shown() == [order.id]
    assert live.pane.model.order_at(0) == before


def test_the_detail_pane_follows_the_refresh(live, qtbot, demo_panel):
    order = place(qtbot, live.jobs, live.desk, "https://instagram.com/p/detail#complete")
    live.events.orders_added.emit([order.id])
    live.pane.select_orders([order.id])
    text = live.pane.detail.browser.toPlainText()
    assert f"Placed: order {order.remote_id} of the panel." in text
    assert "Completed" not in text
    demo_panel.advance(PANEL_MINUTES_TO_FINISH)
    live.refresh(qtbot)
    text = live.pane.detail.browser.toPlainText()
    assert "Completed" in text and "refresh" in text  # the new event and where it came from


def test_panels_added_or_removed_update_the_panel_filter(live, qtbot):
    from smmdesk.core import store

    assert [live.pane.filters.panel_box.itemText(i) for i in range(2)] == ["All panels", "demo"]
    store.add_panel(live.desk.db, "Second", "https://second.example/api/v2")
    live.events.panels_changed.emit()
    box = live.pane.filters.panel_box
    assert [box.itemText(i) for i in range(box.count())] == ["All panels", "demo", "Second"]


def test_views_on_separate_events_do_not_hear_each_other(live, qtbot):
    apart = DeskEvents(live.desk)
    apart.close()  # hears nothing of the Desk: only what is emitted on it
    lonely = open_pane(qtbot, live.desk, apart)
    order = place(qtbot, live.jobs, live.desk, "https://instagram.com/p/one")
    live.events.orders_added.emit([order.id])
    assert live.shown() == [order.id] and lonely.shown() == []
    lonely.pane.close()
