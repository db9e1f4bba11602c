"""The orders view over the local history: status shown in words and colour, filters by
panel, status, dates and text, sorting by header clicks, the detail pane, the context menu,
the layout state. No panel is involved: orders come from the store.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QMenu

from smmdesk.core import store
from smmdesk.core.api.models import OrderStatus
from smmdesk.core.desk import Desk
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.jobs import Jobs
from smmdesk.ui.orders import OrdersPane
from smmdesk.ui.orders.columns import COLUMNS, STATUS_COLUMN
from smmdesk.ui.orders.filters import CUSTOM
from smmdesk.ui.orders.tabs import TABS
from tests.helpers.orders_view import keys, many_orders, seed_history, shown_ids


@pytest.fixture
def history_desk(tmp_path, keystore, make_service):
    """A Desk whose store has the seven orders of ``seed_history`` (no panel contacted)."""
    desk = Desk(tmp_path / "data", keystore)
    desk.ids = seed_history(desk.db, make_service)
    yield desk
    desk.db.close()


@pytest.fixture
def pane(history_desk, qtbot):
    widget = OrdersPane(history_desk, DeskEvents(history_desk), Jobs())
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    yield widget
    widget.close()


def test_status_is_shown_in_words_and_colour(pane, history_desk):
    model = pane.model
    texts = {
        model.order_at(r).id: model.index(r, STATUS_COLUMN).data() for r in range(model.rowCount())
    }
    ids = history_desk.ids
    assert texts[ids["a"]] == "Completed"
    assert texts[ids["b"]] == "In progress"
    assert texts[ids["g"]] == "Outcome unknown"
    assert texts[ids["d"]] == "Sending"
    icon = model.index(0, STATUS_COLUMN).data(Qt.ItemDataRole.DecorationRole)
    assert not icon.isNull()


def test_charges_are_shown_by_the_money_rule(pane, history_desk):
    """Two decimals in the list, rounded half up ("0.035" shows as 0.04, the exact charge in
    the tooltip and the details): a column of amounts reads evenly."""
    ids = history_desk.ids
    answer = OrderStatus("Completed", "Completed", charge=Decimal("1234.60000"))
    store.apply_statuses(history_desk.db, store.get_panel(history_desk.db, "other").id,
                         {"77": answer})  # fmt: skip
    pane.refresh_rows([ids["f"]])
    model = pane.model
    charge = next(i for i, c in enumerate(COLUMNS) if c.title == "Charge")
    shown = {model.order_at(r).id: model.index(r, charge).data() for r in range(model.rowCount())}
    assert shown[ids["a"]] == "1.00 USD"
    assert shown[ids["b"]] == "0.04 USD"
    row_b = model.row_of(ids["b"])
    assert model.index(row_b, charge).data(Qt.ItemDataRole.ToolTipRole) == "Charged 0.035 USD"
    assert shown[ids["e"]] == "0.00 USD"
    assert shown[ids["f"]] == "1,234.60 USD"
    assert shown[ids["c"]] == ""  # neither charged nor priced
    pane.select_orders([ids["f"]])
    assert "\nCharge\n1,234.60 USD\n" in pane.detail.browser.toPlainText()  # a cell a line


def test_orders_never_placed_show_no_charge(pane, history_desk, make_service, qtbot):
    """Not placed, outcome unknown, refused: no money in the Charge column, though smmdesk
    knew what they would have cost; a placed order not yet charged shows "~" the cost."""
    db = history_desk.db
    panel = store.get_panel(db, "Main")
    service = make_service("2", rate="0.35")
    made = {}
    for key in ("refused", "unknown", "waiting"):
        order = store.record_sending(db, panel.id, service, {"link": f"https://x.example/{key}",
                                     "quantity": "1000"}, expected_cost=Decimal("0.35"),
                                     currency="USD")  # fmt: skip
        made[key] = order.id
    store.mark_failed(db, made["refused"], "The panel refused: create it on the site")
    store.mark_unknown(db, made["unknown"], "The connection broke while sending this order.")
    store.mark_placed(db, made["waiting"], "555")
    pane.refresh_rows(list(made.values()))
    model = pane.model
    charge = next(i for i, c in enumerate(COLUMNS) if c.title == "Charge")
    shown = {key: model.index(model.row_of(i), charge).data() for key, i in made.items()}
    assert shown == {"refused": "", "unknown": "", "waiting": "~0.35 USD"}
    tip = model.index(model.row_of(made["refused"]), charge).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Not charged: the order was not placed")


# --- filters -----------------------------------------------------------------------------


def test_filter_by_panel_and_status(pane, history_desk):
    bar = pane.filters
    bar.panel_box.setCurrentIndex(bar.panel_box.findText("Main"))
    assert keys(history_desk, shown_ids(pane.model)) == "geba"
    bar.status_box.setCurrentIndex(bar.status_box.findText("Completed"))
    assert keys(history_desk, shown_ids(pane.model)) == "a"
    bar.panel_box.setCurrentIndex(0)
    assert keys(history_desk, shown_ids(pane.model)) == "ca"
    bar.status_box.setCurrentIndex(bar.status_box.findText("Outcome unknown (check the panel)"))
    assert keys(history_desk, shown_ids(pane.model)) == "g"
    bar.status_box.setCurrentIndex(bar.status_box.findText("Open (still checked)"))
    assert keys(history_desk, shown_ids(pane.model)) == "fb"


def test_filter_by_dates(pane, history_desk, qtbot):
    bar = pane.filters
    bar.date_box.setCurrentIndex(CUSTOM)
    assert bar.since_edit.isVisible() and bar.until_edit.isVisible()
    bar.since_edit.setDate(QDate(2024, 5, 2))
    bar.until_edit.setDate(QDate(2024, 5, 4))
    assert keys(history_desk, shown_ids(pane.model)) == "dcb"
    since, until = bar.date_range()
    assert since.date() == date(2024, 5, 2) and until.date() == date(2024, 5, 5)
    bar.date_box.setCurrentIndex(1)  # today: the history is from 2024
    assert pane.model.rowCount() == 0
    pane.update_count()
    qtbot.waitUntil(lambda: pane.count_label.text() == "0 orders")


def test_typing_filters_once_after_a_pause(pane, history_desk, qtbot):
    emitted = []
    pane.filters.filters_changed.connect(emitted.append)
    with qtbot.waitSignal(pane.filters.filters_changed, timeout=3000):
        qtbot.keyClicks(pane.filters.text_edit, "shop")
    assert len(emitted) == 1 and emitted[0].text == "shop"
    assert keys(history_desk, shown_ids(pane.model)) == "ea"
    qtbot.waitUntil(lambda: pane.count_label.text() == "2 orders")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("alice", "da"), ("9002", "b"), ("a12", "c"), ("#5", "e"), ("TIKTOK", "c"), ("nope", "")],
)
def test_free_text_matches_link_id_remote_id_and_reference(pane, history_desk, text, expected):
    pane.filters.text_edit.setText(text)
    pane.filters.apply_now()
    assert keys(history_desk, shown_ids(pane.model)) == expected


def test_sorting_keeps_the_filters_and_unsortable_columns_do_nothing(pane, history_desk):
    pane.filters.panel_box.setCurrentIndex(pane.filters.panel_box.findText("other"))
    quantity = next(i for i, c in enumerate(COLUMNS) if c.title == "Quantity")
    pane.table.sortByColumn(quantity, Qt.SortOrder.AscendingOrder)
    assert keys(history_desk, shown_ids(pane.model)) == "cdf"
    link = next(i for i, c in enumerate(COLUMNS) if c.title == "Link")
    pane.table.horizontalHeader().setSortIndicator(link, Qt.SortOrder.DescendingOrder)
    assert pane.table.horizontalHeader().sortIndicatorSection() == quantity
    assert keys(history_desk, shown_ids(pane.model)) == "cdf"


def test_a_removed_panel_leaves_the_panel_filter(pane, history_desk):
    pane.filters.panel_box.setCurrentIndex(pane.filters.panel_box.findText("Main"))
    store.remove_panel(history_desk.db, "Main", purge=True)
    pane.refresh_rows([history_desk.ids["a"]])  # announced before panels_changed: no harm
    pane.filters.set_panels([p.name for p in history_desk.panels()])
    assert pane.filters.panel_box.currentData() is None
    assert keys(history_desk, shown_ids(pane.model)) == "fdc"


# --- detail ------------------------------------------------------------------------------


def test_the_detail_pane_shows_the_chosen_order_and_its_history(pane, history_desk):
    pane.select_orders([history_desk.ids["a"]])
    text = pane.detail.browser.toPlainText()
    assert f"Order #{history_desk.ids['a']}" in text
    assert "https://instagram.com/shop_one" in text and "alice" in text
    assert "Placed: order 9001 of the panel." in text  # the history, from order_events
    assert "Completed" in text and "No refills asked for." in text
    assert "quantity" in text  # the fields it was sent with
    # several selected: the detail follows the current row among them
    pane.select_orders([history_desk.ids["a"], history_desk.ids["b"]])
    current = pane.model.index(pane.model.row_of(history_desk.ids["b"]), 0)
    flags = pane.table.selectionModel().SelectionFlag.NoUpdate
    pane.table.selectionModel().setCurrentIndex(current, flags)
    assert f"Order #{history_desk.ids['b']}" in pane.detail.browser.toPlainText()
    assert len(pane.selected_orders()) == 2
    pane.select_orders([])
    assert "Select an order" in pane.detail.browser.toPlainText()


def test_layout_state_round_trip(pane, history_desk, qtbot):
    header = pane.table.horizontalHeader()
    header.resizeSection(4, 333)
    pane.table.sortByColumn(5, Qt.SortOrder.AscendingOrder)
    saved = pane.save_state()
    other = OrdersPane(history_desk, DeskEvents(history_desk), Jobs())
    qtbot.addWidget(other)
    other.restore_state(bytes(saved))
    assert other.table.horizontalHeader().sectionSize(4) == 333
    assert other.model.query().order_by == "quantity"
    assert shown_ids(other.model) == shown_ids(pane.model)
    other.restore_state(b"garbage")  # a damaged state is ignored
    assert other.model.query().order_by == "quantity"
    other.close()


def test_the_context_menu_offers_the_actions(pane, history_desk, qtbot):
    pane.select_orders([history_desk.ids["g"]])
    pane.table.customContextMenuRequested.emit(QPoint(20, 20))
    menu = pane.findChild(QMenu)
    qtbot.waitUntil(menu.isVisible)
    enabled = [a.text() for a in menu.actions() if a.isEnabled() and a.text()]
    assert [a.text() for a in menu.actions() if a.text()] == enabled  # only what applies
    assert enabled == [
        "Copy order id",
        "Copy link",
        "Mark as placed…",
        "Mark as not placed…",
        "Export selection…",
        "Export all matching…",
    ]
    menu.close()


def test_status_tabs_count_the_orders_and_choose_the_filter(pane, history_desk, qtbot):
    tabs = pane.tabs
    with qtbot.waitSignal(tabs.recounted, timeout=5000):  # counted in a worker thread
        pane.update_count()
    counts = dict(zip([t for t, _ in TABS], tabs.counts, strict=True))
    # seed: a, c completed; b in progress; e canceled; f pending; d sending; g unknown outcome
    assert counts == {"All": 7, "Open": counts["Open"], "Completed": 2, "Partial": 0,
                      "Canceled": 1, "Unknown": 0}  # fmt: skip
    assert counts["Open"] >= 2  # b and f at least are still checked
    assert tabs.tabText(2) == "Completed  2"
    tabs.tab_chosen.emit(2)  # a click on "Completed"
    qtbot.waitUntil(lambda: keys(history_desk, shown_ids(pane.model)) in ("ca", "ac"))
    assert pane.filters.status_box.currentText() == "Completed"
    pane.filters.panel_box.setCurrentIndex(pane.filters.panel_box.findData("Main"))
    with qtbot.waitSignal(tabs.recounted, timeout=5000):
        pane.update_count()
    assert tabs.counts[0] == 4 and tabs.counts[2] == 1  # the other filters count too
    pane.filters.status_box.setCurrentIndex(0)  # "Any status" chosen there: the All tab
    assert tabs.currentIndex() == 0


def test_select_all_says_it_took_only_the_loaded_orders(history_desk, make_service, qtbot):
    many_orders(history_desk.db, make_service, 450)  # 457 orders: the view holds 200
    widget = OrdersPane(history_desk, DeskEvents(history_desk), Jobs())
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    widget.table.setFocus()
    qtbot.keyClick(widget.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    held = widget.model.rowCount()
    assert len(widget.selected_orders()) == held < 457
    assert f"{held:,} loaded orders selected, of 457 that match" in widget.notice_label.text()
    widget.table.clearSelection()
    assert widget.notice_label.text() == ""
    widget.close()
