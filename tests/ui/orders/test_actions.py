"""What a reseller does with selected orders, against the demo panel: bulk cancel and refill
(confirmation, per-order results, the panel sees it), copy ids and links, settle an order
whose outcome is unknown, export the selection or the whole filter to CSV.
"""

from __future__ import annotations

import csv

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from smmdesk.core import store
from smmdesk.ui.orders.dialogs import ResultsDialog
from tests.helpers.orders_view import open_pane, place

PANEL_MINUTES_TO_FINISH = 600


@pytest.fixture
def live(gui_desk, qtbot):
    opened = open_pane(qtbot, gui_desk)
    yield opened
    dialog = opened.pane.order_actions.dialog
    if dialog is not None and dialog.isVisible():
        dialog.close()
    opened.pane.close()
    assert not opened.failures


def announce(live, *orders):
    live.events.orders_added.emit([o.id for o in orders])
    return [o.id for o in orders]


def unknown_order(live, make_service, link="https://instagram.com/p/lost"):
    """An order whose add may or may not have reached the panel (the connection broke)."""
    panel = live.desk.panel("demo")
    order = store.record_sending(
        live.desk.db, panel.id, make_service("1"), {"link": link, "quantity": "100"}
    )
    return store.mark_unknown(live.desk.db, order.id, "The connection broke.")


def results_of(live, qtbot) -> ResultsDialog:
    qtbot.waitUntil(
        lambda: isinstance(live.pane.order_actions.dialog, ResultsDialog), timeout=10_000
    )
    return live.pane.order_actions.dialog


def test_bulk_cancel_of_selected_orders(live, qtbot, demo_panel, make_service):
    ok_one = place(qtbot, live.jobs, live.desk, "https://instagram.com/p/one")
    ok_two = place(qtbot, live.jobs, live.desk, "https://instagram.com/p/two", service="2")
    package = place(
        qtbot, live.jobs, live.desk, "https://youtube.com/c/pack", service="6", quantity=None
    )
    lost = unknown_order(live, make_service)
    ids = announce(live, ok_one, ok_two, package, lost)
    live.pane.select_orders(ids)
    assert live.pane.order_actions.cancel.isEnabled()

    live.pane.order_actions.cancel.trigger()
    box = live.pane.order_actions.dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    # left out, and said so: the one never sent, and the package (its service has no cancel)
    assert box.text() == "Cancel 2 orders?"
    assert "2 selected order(s) are left out" in box.informativeText()
    demo_panel.reset_counters()
    with qtbot.waitSignal(live.events.orders_changed, timeout=10_000) as changed:
        box.accept_button.click()
    assert sorted(changed.args[0]) == sorted(o.id for o in (ok_one, ok_two))

    dialog = results_of(live, qtbot)
    rows = {row[2]: row for row in dialog.texts()}  # by the panel's order id
    assert rows[ok_one.remote_id][3:] == ("OK", "cancel requested")
    assert rows[ok_two.remote_id][0] == f"#{ok_two.id}"
    assert package.remote_id not in rows
    assert "accepted 2 of 2" in dialog.summary.text()
    assert demo_panel.order(ok_one.remote_id)["cancel_requested"] is True
    assert demo_panel.order(ok_two.remote_id)["cancel_requested"] is True
    dialog.close()

    live.refresh(qtbot)  # the refresh tells what the panel did
    assert live.status_of(ok_one.id) == live.status_of(ok_two.id) == "Canceled"
    live.pane.select_orders([ok_one.id])
    assert "Cancel requested." in live.pane.detail.browser.toPlainText()


def test_declining_the_confirmation_sends_nothing(live, qtbot, demo_panel):
    order = place(qtbot, live.jobs, live.desk, "https://instagram.com/p/keep")
    announce(live, order)
    live.pane.select_orders([order.id])
    demo_panel.reset_counters()
    live.pane.order_actions.cancel.trigger()
    box = live.pane.order_actions.dialog
    box.defaultButton().click()  # "Don't"
    assert not box.isVisible() and not live.jobs.busy
    assert demo_panel.requests["cancel"] == 0
    assert demo_panel.order(order.remote_id)["cancel_requested"] is False


def test_refill_with_confirmation_and_results(live, qtbot, demo_panel):
    order = place(qtbot, live.jobs, live.desk, "https://instagram.com/p/drop#complete")
    announce(live, order)
    demo_panel.advance(PANEL_MINUTES_TO_FINISH)
    live.refresh(qtbot)
    live.pane.select_orders([order.id])

    live.pane.order_actions.refill.trigger()
    box = live.pane.order_actions.dialog
    assert box.text() == "Refill 1 order?"
    box.accept_button.click()
    dialog = results_of(live, qtbot)
    [row] = dialog.texts()
    refill_id = demo_panel.refills()[0]["id"]
    assert row[3:] == ("OK", f"refill {refill_id} accepted")
    assert f"{refill_id}" in live.pane.detail.browser.toPlainText()  # the order's refills
    dialog.close()


def test_copy_ids_and_links(live, qtbot):
    first = place(qtbot, live.jobs, live.desk, "https://instagram.com/p/first")
    second = place(qtbot, live.jobs, live.desk, "https://instagram.com/p/second")
    live.pane.select_orders(announce(live, first, second))
    live.pane.order_actions.copy_id.trigger()
    assert QApplication.clipboard().text() == f"{second.remote_id}\n{first.remote_id}"
    live.pane.order_actions.copy_link.trigger()
    assert QApplication.clipboard().text() == (
        "https://instagram.com/p/second\nhttps://instagram.com/p/first"
    )


def save_as(dialog: QFileDialog, path) -> None:
    assert dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    dialog.selectFile(str(path))
    dialog.accept()


def read_csv(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_export_the_selection_to_csv(live, qtbot, tmp_path):
    orders = [
        place(qtbot, live.jobs, live.desk, f"https://instagram.com/p/{n}", reference=f"cust {n}")
        for n in range(3)
    ]
    announce(live, *orders)
    live.pane.select_orders([orders[0].id, orders[2].id])
    live.pane.order_actions.export_selected.trigger()
    save_as(live.pane.order_actions.dialog, tmp_path / "picked.csv")
    rows = read_csv(tmp_path / "picked.csv")
    assert [r["id"] for r in rows] == [str(orders[2].id), str(orders[0].id)]
    assert [r["remote_id"] for r in rows] == [orders[2].remote_id, orders[0].remote_id]
    assert rows[0]["reference"] == "cust 2" and rows[0]["panel"] == "demo"
    assert live.pane.notice_label.text().startswith("Exported 2 orders to ")


def test_export_everything_the_filter_matches(live, qtbot, tmp_path):
    for n in range(4):
        place(
            qtbot, live.jobs, live.desk, f"https://instagram.com/p/{'blue' if n % 2 else 'red'}{n}"
        )
    live.pane.filters.text_edit.setText("blue")
    live.pane.filters.apply_now()
    live.pane.order_actions.export_all.trigger()  # no selection needed
    save_as(live.pane.order_actions.dialog, tmp_path / "blue.csv")
    qtbot.waitUntil(lambda: live.pane.notice_label.text() != "", timeout=10_000)
    rows = read_csv(tmp_path / "blue.csv")
    assert sorted(r["link"] for r in rows) == [
        "https://instagram.com/p/blue1",
        "https://instagram.com/p/blue3",
    ]


def test_mark_an_unknown_order_placed_with_the_panels_id(live, qtbot, demo_panel, make_service):
    lost = unknown_order(live, make_service)
    announce(live, lost)
    live.pane.select_orders([lost.id])
    assert live.status_of(lost.id) == "Outcome unknown"
    assert (
        live.pane.order_actions.mark_placed.isEnabled()
        and not live.pane.order_actions.cancel.isEnabled()
    )
    on_site = demo_panel.place_on_site(
        "1", {"link": "https://instagram.com/p/lost", "quantity": "100"}
    )

    live.pane.order_actions.mark_placed.trigger()
    dialog = live.pane.order_actions.dialog
    dialog.setTextValue(f" {on_site} ")
    dialog.accept()

    qtbot.waitUntil(lambda: live.status_of(lost.id) == "Pending")  # the Desk told the view
    assert store.get_order(live.desk.db, lost.id).remote_id == on_site
    assert live.pane.order_actions.cancel.isEnabled()  # a placed order: it can be canceled now
    live.refresh(qtbot)  # and it is refreshed like any other
    assert store.get_order(live.desk.db, lost.id).checked_at is not None


def test_mark_unknown_orders_not_placed(live, qtbot, make_service):
    lost = [unknown_order(live, make_service, f"https://instagram.com/p/{n}") for n in range(2)]
    live.pane.select_orders(announce(live, *lost))
    live.pane.order_actions.mark_not_placed.trigger()
    box = live.pane.order_actions.dialog
    assert box.text() == "Mark 2 orders as not placed?"
    box.accept_button.click()
    qtbot.waitUntil(lambda: [live.status_of(o.id) for o in lost] == ["Not placed", "Not placed"])
    assert not live.pane.order_actions.mark_not_placed.isEnabled()


def test_an_id_already_in_smmdesk_is_refused_with_a_sentence(live, qtbot, make_service):
    placed = place(qtbot, live.jobs, live.desk, "https://instagram.com/p/real")
    lost = unknown_order(live, make_service)
    announce(live, placed, lost)
    live.pane.select_orders([lost.id])
    live.pane.order_actions.mark_placed.trigger()
    live.pane.order_actions.dialog.setTextValue(placed.remote_id)
    live.pane.order_actions.dialog.accept()
    error = live.pane.order_actions.dialog
    assert isinstance(error, QMessageBox) and error.objectName() == "errorBox"
    assert f"already in smmdesk as #{placed.id}" in error.text()
    error.close()
    assert live.status_of(lost.id) == "Outcome unknown"


def test_an_empty_id_is_refused_with_a_sentence(live, qtbot, make_service):
    lost = unknown_order(live, make_service)
    live.pane.select_orders(announce(live, lost))
    live.pane.order_actions.mark_placed.trigger()
    live.pane.order_actions.dialog.setTextValue("  ")
    live.pane.order_actions.dialog.accept()
    error = live.pane.order_actions.dialog
    assert error.objectName() == "errorBox" and "The order id is empty" in error.text()
    error.close()
    assert store.get_order(live.desk.db, lost.id).state == "unknown"


def test_cancel_and_refill_only_where_they_apply(live, qtbot, demo_panel):
    """Finished orders can't be canceled; running ones can't be refilled; a service whose
    catalog says no cancel/refill offers neither; the tooltip says why."""
    actions = live.pane.order_actions
    running = place(qtbot, live.jobs, live.desk, "https://instagram.com/p/run")  # service 1
    package = place(
        qtbot, live.jobs, live.desk, "https://youtube.com/c/pk", service="6", quantity=None
    )
    announce(live, running, package)
    live.pane.select_orders([running.id])
    assert actions.cancel.isEnabled() and not actions.refill.isEnabled()
    assert "once it is completed" in actions.refill.toolTip()
    live.pane.select_orders([package.id])  # the catalog: no cancel, no refill
    assert not actions.cancel.isEnabled() and not actions.refill.isEnabled()
    assert "offers no cancel" in actions.cancel.toolTip()

    finished = place(qtbot, live.jobs, live.desk, "https://instagram.com/p/done#complete")
    announce(live, finished)
    demo_panel.advance(PANEL_MINUTES_TO_FINISH)
    live.refresh(qtbot)
    live.pane.select_orders([finished.id])
    assert live.status_of(finished.id) == "Completed"
    assert not actions.cancel.isEnabled() and actions.refill.isEnabled()
    assert "completed already" in actions.cancel.toolTip()
    demo_panel.reset_counters()
    actions.ask_bulk("cancel")  # even when asked directly: nothing is sent
    assert demo_panel.requests["cancel"] == 0
