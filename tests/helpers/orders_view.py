"""Helpers for the orders view's GUI tests (tests/test_gui_orders*.py).

- ``seed_history``: orders written straight through the store (no panel involved), with
  chosen panels, times, statuses, links and references; ``keys`` names rows by its letters.
- ``many_orders``: a panel with many placed orders; ``shown_ids``: the ids a model holds.
- ``run_job``: run a coroutine through ``Jobs.run`` on the qasync loop and wait for it.
- ``place``: place a real order on the demo panel through ``Desk.place_order`` in a job.
- ``open_pane``: an OrdersPane shown, with its DeskEvents and Jobs (``Live``), which can run
  a real status refresh and announce it as the main window does.
"""

from __future__ import annotations

from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from smmdesk.core import store
from smmdesk.core.api.models import OrderStatus, Service
from smmdesk.core.refresh import Changes, refresh
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.jobs import Jobs
from smmdesk.ui.orders import OrdersPane
from smmdesk.ui.orders.columns import STATUS_COLUMN

MAY_1 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def seed_history(db: Any, make_service: Any) -> dict[str, int]:
    """Seven orders on panels "Main" and "other", one a day from May 1st; key -> local id."""
    main = store.add_panel(db, "Main", "https://main.example/api/v2")
    other = store.add_panel(db, "other", "https://other.example/api/v2")
    followers = make_service("1", name="Instagram Followers")
    likes = make_service("2", name="instagram likes", rate="0.35")
    rows = [  # key, panel, service, link, reference, remote id, status, charge
        ("a", main, followers, "https://instagram.com/shop_one", "alice", "9001", "Completed", "1"),
        ("b", main, likes, "https://instagram.com/p/xyz", "bob", "9002", "In progress", "0.035"),
        ("c", other, followers, "https://tiktok.com/@carol", None, "A12", "Completed", None),
        ("d", other, likes, "https://youtube.com/watch?v=1", "alice", None, None, None),
        ("e", main, followers, "https://instagram.com/shop_two", "dave", "123", "Canceled", "0"),
        ("f", other, likes, "https://instagram.com/p/abc", "erin", "77", "Pending", "12.5"),
        ("g", main, likes, "https://instagram.com/p/unknown", None, None, None, None),
    ]  # fmt: skip
    made = {}
    with store.transaction(db):
        for day, (key, panel, service, link, ref, remote_id, status, charge) in enumerate(rows):
            made[key] = _one(db, panel, service, link, ref, remote_id, status, charge, day)
    store.mark_unknown(db, made["g"], "The connection broke while sending this order.")
    return made


def shown_ids(model: Any) -> list[int]:
    """The local ids of the rows a model holds, top to bottom."""
    return [model.order_at(row).id for row in range(model.rowCount())]


def keys(desk: Any, ids: list[int]) -> str:
    """Rows as the letters ``seed_history`` gave them ("geba"); ``desk.ids``: its result."""
    by_id = {order_id: key for key, order_id in desk.ids.items()}
    return "".join(by_id[i] for i in ids)


def many_orders(db: Any, make_service: Any, count: int) -> None:
    """``count`` placed orders on a new panel "Bulk", in one transaction."""
    panel = store.add_panel(db, "Bulk", "https://bulk.example/api/v2")
    service = make_service("1")
    with store.transaction(db):
        for n in range(count):
            order = store.record_sending(db, panel.id, service, {"link": f"l{n}", "quantity": "1"})
            store.mark_placed(db, order.id, str(50_000 + n))


def _one(
    db: Any,
    panel: store.Panel,
    service: Service,
    link: str,
    reference: str | None,
    remote_id: str | None,
    status: str | None,
    charge: str | None,
    day: int,
) -> int:
    order = store.record_sending(
        db,
        panel.id,
        service,
        {"link": link, "quantity": str(100 * (day + 1))},
        reference=reference,
        currency="USD",
        at=MAY_1 + timedelta(days=day),
    )
    if remote_id is not None:
        store.mark_placed(db, order.id, remote_id)
    if status is not None and remote_id is not None:
        answer = OrderStatus(status, status, charge=None if charge is None else Decimal(charge))
        store.apply_statuses(db, panel.id, {remote_id: answer}, at=MAY_1 + timedelta(days=day))
    return order.id


def run_job(qtbot: Any, jobs: Jobs, coro: Coroutine[Any, Any, Any], timeout: int = 10_000) -> Any:
    """Run ``coro`` through ``jobs`` and return its result (or raise its error)."""
    outcome: dict[str, Any] = {}
    jobs.run(
        coro,
        "test job",
        on_done=lambda value: outcome.setdefault("value", value),
        on_error=lambda error: outcome.setdefault("error", error),
    )
    qtbot.waitUntil(lambda: bool(outcome), timeout=timeout)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def place(
    qtbot: Any,
    jobs: Jobs,
    desk: Any,
    link: str,
    *,
    service: str = "1",
    quantity: str | None = "100",
    reference: str | None = None,
) -> store.Order:
    """Place an order on the demo panel "demo" (``quantity=None``: a package, which takes no
    quantity); the order as recorded."""
    if store.catalog_age(desk.db, desk.panel("demo").id) is None:
        # Desk.service reads the saved catalog first, and store.get_service raises when
        # there is none yet: fetch it once
        run_job(qtbot, jobs, desk.refresh_catalog("demo"))
    values = {"link": link} if quantity is None else {"link": link, "quantity": quantity}
    placed = run_job(qtbot, jobs, desk.place_order("demo", service, values, reference=reference))
    return placed.order


@dataclass
class Live:
    """An OrdersPane over a desk with the events and jobs it reports to."""

    desk: Any
    events: DeskEvents
    jobs: Jobs
    pane: OrdersPane
    failures: list[BaseException] = field(default_factory=list)

    def shown(self) -> list[int]:
        model = self.pane.model
        return [model.order_at(row).id for row in range(model.rowCount())]

    def status_of(self, order_id: int) -> str:
        model = self.pane.model
        row = model.row_of(order_id)
        assert row is not None, f"order #{order_id} is not shown"
        return model.index(row, STATUS_COLUMN).data()

    def refresh(self, qtbot: Any) -> Changes:
        """A real status refresh (the refresh engine against the demo panel); what it
        changed reaches the views through the Desk's events (told at once here)."""
        changes = run_job(qtbot, self.jobs, refresh(self.desk))
        self.events.flush()
        return changes


def open_pane(qtbot: Any, desk: Any, events: DeskEvents | None = None) -> Live:
    events = events or DeskEvents(desk)
    jobs = Jobs()
    pane = OrdersPane(desk, events, jobs)
    qtbot.addWidget(pane)
    pane.resize(1200, 600)
    pane.show()
    live = Live(desk, events, jobs, pane)
    jobs.failed.connect(lambda error, _what: live.failures.append(error))
    return live
