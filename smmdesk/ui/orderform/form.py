"""The order form, built for the chosen service from the order-type table alone.

``form_fields(service, ...)`` says which fields to show (an editor per field kind, see
``form_widgets``), ``form_notices`` what to say above them, ``live_problems`` what is wrong
while the reseller types, ``prepare_order`` the quantity and the expected cost. Nothing
here knows any order type: a new type in the table needs no change in this file.

Placing: a confirmation names the service, the link, the quantity, the cost and the balance
after it; exactly that prepared order then goes through ``desk.send_order`` in a job (the
button stays off until the answer, so one click is one order). When the panel refuses
(subscriptions on a panel that creates them on its site only), the form says so from then on
and offers to track an order placed on the site by its id.

Signals of ``OrderForm``:
    message(str)        a line for the status bar ("Order #12 placed ...")
    order_placed(str, str)  an order was placed (panel, service id)
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from smmdesk.core import sending
from smmdesk.core.api.dialect import Dialect
from smmdesk.core.api.models import Service
from smmdesk.core.desk import Desk
from smmdesk.core.errors import FieldProblem, SmmdeskError, ValidationError
from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import _, left_to_right
from smmdesk.core.money import format_money
from smmdesk.core.offers.fallback import refused_for_good
from smmdesk.core.ordertypes import (
    BoundField,
    OrderDraft,
    form_fields,
    form_notices,
    live_problems,
    prepare_order,
)
from smmdesk.core.sending import Prepared, Sent
from smmdesk.core.store import Panel
from smmdesk.core.store.sales import parse_sale_price
from smmdesk.ui.errors import show_error
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.i18n import money_text
from smmdesk.ui.jobs import Jobs
from smmdesk.ui.orderform.view import FormView
from smmdesk.ui.orders.track import TrackDialog


class OrderForm(FormView):
    message = Signal(str)
    order_placed = Signal(str, str)  # panel, service id

    def __init__(self, desk: Desk, events: DeskEvents, jobs: Jobs, parent: QWidget | None = None):
        super().__init__(parent)
        self._desk, self._events, self._jobs = desk, events, jobs
        self.panel = ""
        self.service: Service | None = None
        self.sending = False
        self.problems: list[FieldProblem] = []
        self.suggested_sale: Decimal | None = None  # from the markup rules
        self._confirmed: Prepared | None = None  # what the confirmation box shows
        self.place_button.clicked.connect(self.ask_to_place)
        self.track_button.clicked.connect(self.open_track_dialog)
        self.clear_button.clicked.connect(self.clear)
        self.edited.connect(self.revalidate)
        events.balances_changed.connect(self.revalidate)
        events.panels_changed.connect(self._panels_changed)
        self.set_service("", None)

    # --- which service -------------------------------------------------------------------
    def set_service(self, panel: str, service: Service | None) -> None:
        """Build the form for ``service`` of ``panel`` (None: say what to do)."""
        same = service is not None and self.service == service and panel == self.panel
        kept = self.values() if same else {}
        self.panel, self.service = panel, service
        if service is None:
            self.show_empty(_("Pick a service in the catalog to order it."))
            return
        chosen = self._chosen_panel()
        refused = chosen is not None and chosen.refuses_subscriptions
        fields = form_fields(service, subscriptions_refused=refused)
        notices = form_notices(service, subscriptions_refused=refused)
        self.build(service, fields, notices, (chosen.currency or "") if chosen else "")
        for name, text in kept.items():
            self.set_value(name, text)
        self.revalidate()

    def _chosen_panel(self) -> Panel | None:
        """The chosen panel as stored now (balance, currency, refusals); None when gone."""
        try:
            return self._desk.panel(self.panel)
        except SmmdeskError:
            return None

    def _dialect(self) -> Dialect | None:
        """What the chosen panel speaks: checks and the sent texts follow it."""
        chosen = self._chosen_panel()
        return chosen.dialect if chosen else None

    def _panels_changed(self) -> None:
        if self.panel and not any(p.name == self.panel for p in self._desk.panels()):
            self.set_service("", None)

    # --- live checks ---------------------------------------------------------------------
    def revalidate(self) -> None:
        """Check the values as typed; show problems, the quantity, cost and balance after."""
        if self.service is None:
            return
        values = self.values()
        dialect = self._dialect()
        self.problems = live_problems(self.service, values, dialect=dialect)
        self.problems += self.extra_problems()
        self.problems += self._sale_problems()
        self.show_problems(self.problems)
        quantity, cost, after, short = "—", "—", "—", False
        if not self.problems:
            draft = prepare_order(self.service, values, dialect=dialect)
            quantity = quantity_text(draft)
            cost, balance_after, short = self._amounts(draft)
            after = balance_after or "—"
            self._suggest_sale_price(draft)
        self.show_summary(quantity, cost, after, short)
        self.place_button.setEnabled(
            not self.problems and not self.sending and self.fields_enabled()
        )

    def sale_price(self) -> Decimal | None:
        """The sale price typed, else the one the markup rules suggest (None: neither)."""
        typed = parse_sale_price(self.sale_price_text())
        return typed if typed is not None else self.suggested_sale

    def _sale_problems(self) -> list[FieldProblem]:
        try:
            parse_sale_price(self.sale_price_text())
        except ValidationError as exc:
            return exc.problems
        return []

    def _suggest_sale_price(self, draft: OrderDraft) -> None:
        """The markup rules' sale price as the field's hint (smmdesk.core.store.sales)."""
        chosen = self._chosen_panel()
        if self.sale_edit is None or self.service is None or chosen is None:
            return
        price = self._desk.read.suggest_sale_price(
            chosen.id, self.service, draft.expected_cost, draft.quantity
        )
        self.suggested_sale = price
        hint = _("What your customer pays (optional)")
        if price is not None:
            # Translators: {price} is an amount with its currency ("12.50 USD").
            hint = _("Suggested by your markup: {price}").format(
                price=left_to_right(format_money(price, chosen.currency))
            )
        self.sale_edit.setPlaceholderText(hint)

    def _amounts(self, draft: OrderDraft) -> tuple[str, str, bool]:
        """(the cost, the balance after it or "" when unknown, whether the balance is short),
        read from the panel's stored balance in one query."""
        chosen = self._chosen_panel()
        currency = chosen.currency if chosen else None
        cost = money_text(draft.expected_cost, currency, cents=False)  # exact: its price
        if chosen is None or chosen.balance is None:
            return cost, "", False
        after: Decimal = chosen.balance - draft.expected_cost
        return cost, money_text(after, currency), after < 0

    # --- placing -------------------------------------------------------------------------
    def ask_to_place(self) -> None:
        """Show every problem, or ask to confirm the order (non-blocking). What the box shows
        is what ``place`` sends: the prepared order is kept, never prepared again."""
        self.revalidate()
        chosen = self._chosen_panel()
        if self.service is None or self.sending or chosen is None:
            return
        if self.problems:
            self.reveal_problems()
            return
        try:
            prepared = sending.prepare(chosen, self.service, self.values())
        except ValidationError as exc:
            self.show_problems(exc.problems)
            self.reveal_problems()
            return
        self._confirmed = prepared
        box = QMessageBox(self)
        box.setObjectName("confirmOrder")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Place this order?"))
        # Translators: {panel} is a panel's name.
        box.setText(_("Place this order on {panel}?").format(panel=chosen.name))
        draft = prepared.draft
        cost, after, short = self._amounts(draft)
        lines = [
            # Translators: {id} is the service's id on the panel, {name} its name.
            _("Service: {id} · {name}").format(
                id=left_to_right(self.service.id), name=self.service.name
            ),
            # Translators: {label} is the field's name ("Link", "Username"), {value} its value.
            _("{label}: {value}").format(
                label=target_label(self.current_fields),
                value=left_to_right(draft.link or "—"),
            ),
            _("Quantity: {quantity}").format(quantity=left_to_right(quantity_text(draft))),
            # Translators: {cost} is an amount with its currency ("2.25 USD").
            _("Cost: {cost}").format(cost=left_to_right(cost)),
        ]
        if after:
            lines.append(_("Balance after: {amount}").format(amount=left_to_right(after)))
        sale = self.sale_price()
        if sale is not None:
            price = left_to_right(format_money(sale, chosen.currency))
            lines.append(_("Sale price: {price}").format(price=price))
        if short:
            box.setIcon(QMessageBox.Icon.Warning)
        # Translators: {warning} is a sentence about the order.
        lines += ["\n" + _("Note: {warning}").format(warning=w) for w in prepared.warnings]
        box.setInformativeText("\n".join(lines))
        place = box.addButton(_("Place order"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel if short else place)  # Enter never overspends
        place.clicked.connect(self.place)
        box.open()

    def place(self) -> None:
        """Send the confirmed order now (the confirmation's "Place order"), exactly as shown."""
        prepared, self._confirmed = self._confirmed, None
        if prepared is None or self.sending:
            return
        self.sending = True
        self.place_button.setEnabled(False)
        panel = prepared.panel.name
        self._jobs.run(
            self._desk.send_order(
                prepared, reference=self.reference() or None, sale_price=self.sale_price()
            ),
            # Translators: {panel} is a panel's name.
            _("Placing an order on {panel}").format(panel=panel),
            on_done=lambda sent: self._sent(panel, sent),
            on_error=lambda error: self._failed(panel, error),
        )

    def _sent(self, panel: str, sent: Sent) -> None:
        """The answer: placed, or the order is recorded failed / unknown with its reason."""
        self.sending = False
        order = sent.order  # the Desk told the views of it
        if sent.error is not None:
            self._failed(panel, sent.error)
            return
        self.order_placed.emit(panel, order.service_id or "")
        notes = "".join(" " + _("Note: {warning}").format(warning=w) for w in sent.warnings)
        # Translators: {id} is smmdesk's order number, {panel} a panel's name, {remote_id}
        # the order's id on the panel.
        placed = _("Order #{id} placed on {panel} (panel order id {remote_id}).").format(
            id=left_to_right(str(order.id)),
            panel=panel,
            remote_id=left_to_right(str(order.remote_id)),
        )
        self.message.emit(placed + notes)
        self.clear()
        self._refresh_balance(panel)

    def _failed(self, panel: str, error: BaseException) -> None:
        """Not placed (or its fate unknown): the error shown, and one status message, the
        other panels that sell the service, or none (an earlier "Order #N placed" would
        now mislead)."""
        self.sending = False
        show_error(self, error, _("Placing the order"))
        self.message.emit(self._elsewhere(panel, error))
        self.set_service(self.panel, self.service)  # the panel may refuse this type now

    def _elsewhere(self, panel: str, error: BaseException) -> str:
        """After a refusal for good, which other panels sell the same service ("" if none)."""
        chosen = self._chosen_panel()
        if self.service is None or chosen is None or not refused_for_good(error):
            return ""
        others = self._desk.read.alternatives(chosen.id, self.service.id)
        if not others:
            return ""
        names = ", ".join(
            f"{c.offer.panel} ({left_to_right(format_money(c.offer.rate, c.offer.currency))})"
            for c in others[:3]
        )
        # Translators: {panel} is a panel's name; {others} lists other panels with
        # their rates ("Second (0.80 USD)"). Write the menu path as the menus say it.
        return _(
            "{panel} refused the order; the same service is sold by {others}: "
            "Business → Compare panels… → Order this on…"
        ).format(panel=panel, others=names)

    def _refresh_balance(self, panel: str) -> None:
        self._jobs.run(
            self._desk.refresh_balance(panel),
            # Translators: {panel} is a panel's name.
            _("Reading the balance of {panel}").format(panel=panel),
        )

    def open_track_dialog(self) -> TrackDialog:
        """Offer to track an order placed on the panel's site, by its id."""
        dialog = TrackDialog(self._desk, self._events, self._jobs, self.panel, self)
        dialog.open()
        return dialog

    def clear(self) -> None:
        """Empty the fields (after an order is placed, so it is never sent twice by mistake)."""
        if self.service is not None:
            chosen = self._chosen_panel()
            currency = (chosen.currency or "") if chosen else ""
            self.build(self.service, self.current_fields, self.current_notices, currency)
            self.revalidate()


def target_label(fields: list[BoundField]) -> str:
    """What the order is for, as its form names it: "Link", or "Username" (subscriptions)."""
    for field in fields:
        if field.name in ("link", "username"):
            return field.label
    return _("Link")


def quantity_text(draft: OrderDraft) -> str:
    return _("set by the service") if draft.quantity is None else format_integer(draft.quantity)
