"""DetailPane: everything smmdesk knows about one order, to answer "what happened to it?".

Every field of the order (with the fields it was sent with), its status history from
``store.order_events`` (oldest first) and its refills from ``store.refills_for``. The text is
selectable so ids and links can be copied. Texts from the panel or the customer are escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from smmdesk.core.desk import Desk
from smmdesk.core.errors import NotFoundLocally
from smmdesk.core.i18n import N_, _, left_to_right, pgettext
from smmdesk.core.money import format_money
from smmdesk.core.store import (
    Order,
    OrderEvent,
    Refill,
)
from smmdesk.core.store.sales import order_profit
from smmdesk.core.vocabulary import order_status
from smmdesk.ui.orders.columns import local_time, status_colour
from smmdesk.ui.orders.sale_editor import SaleEditor

EMPTY = N_("Select an order to see its details, its status history and its refills.")


def _text(value: object) -> str:
    return "" if value is None else escape(str(value))


def _table(headers: tuple[str, ...], rows: Sequence[tuple[object, ...]]) -> str:
    head = "".join(f"<th align='left'>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_text(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table cellspacing='0' cellpadding='3'><tr>{head}</tr>{body}</table>"


def _ltr(value: object) -> str | None:
    """A link, an id or a time, kept left to right (None and "" stay empty)."""
    return left_to_right(str(value)) if value not in (None, "") else None


def _fields(order: Order) -> list[tuple[object, ...]]:
    lost = _("yes: the panel no longer knows this order id") if order.lost else None
    return [
        (_("Panel"), order.panel_name),
        (_("Panel's order id"), _ltr(order.remote_id) or _("none yet")),
        (_("Service"), f"{order.service_id or ''} {order.service_name or ''}".strip()),
        (_("Type"), order.service_type),
        (_("Link"), _ltr(order.link)),
        (_("Quantity"), order.quantity),
        (_("Expected cost"), format_money(order.expected_cost, order.currency, grouping=True)),
        (_("Charge"), format_money(order.charge, order.currency, grouping=True)),
        (_("Status"), order_status(order)),
        (_("Panel's status text"), order.raw_status),
        (_("Start count"), order.start_count),
        (_("Remains"), order.remains),
        (_("Submission"), order.state.explained),
        (_("Problem"), order.error),
        (_("Lost"), lost),
        (_("Placed from"), order.source),
        (_("Reference / customer"), order.reference),
        (_("Sale price"), format_money(order.sale_price, order.currency, grouping=True)),
        (_("Profit"), format_money(order_profit(order), order.currency, grouping=True)),
        (_("Created"), _ltr(local_time(order.created_at))),
        (_("Updated"), _ltr(local_time(order.updated_at))),
        (_("Last checked"), _ltr(local_time(order.checked_at)) or _("never")),
    ]


def order_html(order: Order, events: list[OrderEvent], refills: list[Refill]) -> str:
    """The detail text of ``order`` as HTML."""
    colour = status_colour(order).name()
    fields = "".join(
        f"<tr><td><b>{_text(name)}</b></td><td>{_text(value)}</td></tr>"
        for name, value in _fields(order)
        if value not in (None, "")
    )
    params = [(name, value) for name, value in order.params.items()]
    currency = order.currency
    history = [
        (_ltr(local_time(e.at)), e.status, e.remains,
         format_money(e.charge, currency, grouping=True), e.source, e.note)
        for e in events
    ]  # fmt: skip
    refill_rows = [
        (_ltr(r.refill_id) or _("refused"), r.status, r.error, _ltr(local_time(r.created_at)))
        for r in refills
    ]
    # Translators: a column of an order's refills: when each refill was asked for.
    asked = pgettext("when a refill was asked for", "Asked")
    refill_heads = (_("Refill id"), _("Status"), _("Problem"), asked)
    # Translators: the title of an order's details; {id} is smmdesk's number of the order.
    title = _("Order #{id}").format(id=left_to_right(str(order.id)))
    return (
        f"<h3>{escape(title)} <span style='color:{colour}'>● {escape(order_status(order))}"
        f"</span></h3><table cellspacing='0' cellpadding='2'>{fields}</table>"
        f"<h4>{escape(_('Sent with'))}</h4>"
        + (
            _table((_("Field"), _("Value")), params)
            if params
            else f"<p>{escape(_('No fields recorded.'))}</p>"
        )
        + f"<h4>{escape(_('Status history'))}</h4>"
        + (
            _table(
                (_("When"), _("Status"), _("Remains"), _("Charge"), _("From"), _("Note")), history
            )
            if history
            else f"<p>{escape(_('No changes recorded yet.'))}</p>"
        )
        + f"<h4>{escape(_('Refills'))}</h4>"
        + (
            _table(refill_heads, refill_rows)
            if refill_rows
            else f"<p>{escape(_('No refills asked for.'))}</p>"
        )
    )


class DetailPane(QWidget):
    """Shows one order; ``show_order(None)`` shows a hint instead."""

    def __init__(self, desk: Desk, parent: QWidget | None = None):
        super().__init__(parent)
        self._read = desk.read
        self.order_id: int | None = None
        self.browser = QTextBrowser()
        self.browser.setObjectName("orderDetail")
        self.browser.setOpenLinks(False)
        self.sale = SaleEditor(desk, self)  # what the customer pays, editable later
        self.sale.saved.connect(lambda order_id: self.show_order(order_id))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        layout.addWidget(self.sale)
        self.show_order(None)

    def show_order(self, order_id: int | None) -> None:
        self.order_id = order_id
        if order_id is None:
            self.browser.setPlainText(_(EMPTY))
            self.sale.show_order(None)
            return
        try:
            order = self._read.get_order(order_id)
        except NotFoundLocally as exc:
            self.browser.setPlainText(exc.user_message)
            self.sale.show_order(None)
            return
        self.sale.show_order(order)
        events, refills = self._read.order_events(order_id), self._read.refills_for(order_id)
        html = order_html(order, events, refills)
        self.browser.setHtml(html)

    def refresh(self, changed_ids: list[int]) -> None:
        """Read the shown order again if it is among ``changed_ids``."""
        if self.order_id is not None and self.order_id in set(changed_ids):
            self.show_order(self.order_id)
