"""The one bridge from the Desk's hub to Qt signals (smmdesk.ui.events.DeskEvents): bursts
coalesced into one signal, views redrawn after a Desk operation with no widget emitting, and
the GUI and the CLI never reaching the database but through the Desk."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from smmdesk.core.events import Changed
from smmdesk.core.refresh import Changes
from smmdesk.ui.events import BATCH, DeskEvents
from smmdesk.ui.jobs import Jobs
from smmdesk.ui.panels.listing import PanelsPane
from tests.helpers.orders_view import open_pane, place

SOURCE = Path(__file__).resolve().parents[2] / "smmdesk"
SIGNALS = (
    "panels_changed",
    "balances_changed",
    "catalog_changed",
    "orders_added",
    "orders_changed",
    "refresh_started",
    "refresh_finished",
)


def recorder(events: DeskEvents) -> dict[str, list[Any]]:
    heard: dict[str, list[Any]] = {}
    for name in SIGNALS:
        signal = getattr(events, name)
        signal.connect(lambda *args, name=name: heard.setdefault(name, []).append(args))
    return heard


def test_a_burst_of_publishes_is_one_signal_of_each_kind(gui_desk: Any, qtbot: Any) -> None:
    events = DeskEvents(gui_desk)
    heard = recorder(events)
    hub = gui_desk.events
    for n in range(1, 51):
        hub.publish(Changed(orders_added=(n,), balances=frozenset({"demo"})))
        hub.publish(Changed(orders_changed=(n, n + 100)))
    hub.publish(Changed(catalogs=frozenset({"demo"}), panels=True))
    hub.publish(Changed(refresh_started=True))
    hub.publish(Changed.from_refresh(Changes(checked=3, panels=("demo",))))
    assert heard == {}  # nothing yet: the timer tells them in one go
    with qtbot.waitSignal(events.refresh_finished, timeout=2000):
        pass
    assert heard["orders_added"] == [(list(range(1, 51)),)]
    assert heard["orders_changed"] == [(list(range(101, 151)),)]  # the added ones apart
    assert heard["balances_changed"] == [()] and heard["panels_changed"] == [()]
    assert heard["catalog_changed"] == [("demo",)] and heard["refresh_started"] == [()]
    [(changes,)] = heard["refresh_finished"]
    assert changes.checked == 3
    events.close()


def test_many_changed_orders_come_in_batches_then_the_refresh_end(
    gui_desk: Any, qtbot: Any
) -> None:
    events = DeskEvents(gui_desk)
    heard = recorder(events)
    ids = frozenset(range(1, 2 * BATCH + 2))
    gui_desk.events.publish(Changed.from_refresh(Changes(changed=ids)))
    with qtbot.waitSignal(events.refresh_finished, timeout=2000):
        pass
    assert [len(args[0]) for args in heard["orders_changed"]] == [BATCH, BATCH, 1]
    events.close()


def test_a_closed_or_deleted_bridge_hears_nothing_more(gui_desk: Any, qtbot: Any) -> None:
    before = len(gui_desk.events)
    events = DeskEvents(gui_desk)
    heard = recorder(events)
    assert len(gui_desk.events) == before + 1
    events.close()
    gui_desk.events.publish(Changed(panels=True))
    qtbot.wait(50)  # longer than the coalescing timer: nothing may come
    assert heard == {} and len(gui_desk.events) == before
    gone = DeskEvents(gui_desk)
    gone.deleteLater()
    qtbot.waitUntil(lambda: len(gui_desk.events) == before)


def test_views_redraw_after_desk_operations_without_any_widget_emitting(
    gui_desk: Any, qtbot: Any
) -> None:
    live = open_pane(qtbot, gui_desk)
    panels = PanelsPane(gui_desk, live.events)
    qtbot.addWidget(panels)
    order = place(qtbot, live.jobs, gui_desk, "https://instagram.com/p/door")
    qtbot.waitUntil(lambda: live.shown() == [order.id])  # told by the Desk, not by a widget
    gui_desk.business.set_sale(order.id, customer="ann")
    qtbot.waitUntil(lambda: live.pane.model.order_at(0).reference == "ann")
    jobs = Jobs()
    jobs.run(gui_desk.remove_panel("demo", purge=True), "removing")
    qtbot.waitUntil(lambda: panels.model.rowCount() == 0, timeout=5000)
    live.pane.close()


def test_the_gui_and_the_cli_reach_the_database_only_through_the_desk() -> None:
    """No ``desk.db`` (nor any ``.db``) under smmdesk/ui and smmdesk/cli: reads go through
    ``desk.read``, writes are Desk methods."""
    found = []
    for folder in ("ui", "cli"):
        for path in sorted((SOURCE / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"\.db\b", line):
                    found.append(f"{path.relative_to(SOURCE)}:{number}: {line.strip()}")
    assert found == []


def test_no_widget_emits_the_desk_events_by_hand() -> None:
    names = "|".join((*SIGNALS, "book_replaced"))
    emitting = re.compile(rf"\b({names})\.emit\(")
    found = [
        str(path.relative_to(SOURCE))
        for path in sorted((SOURCE / "ui").rglob("*.py"))
        if path.name != "events.py" and emitting.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
