"""SaleEditor: what the customer pays for an order and who the customer is, editable later
(under the order's details). Saved with ``desk.business.set_sale``; a sale
price that is not money is shown as a problem and nothing is saved.

Signals:
    saved(int)   the order (local id) got its new sale price / customer
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from smmdesk.core.desk import Desk
from smmdesk.core.errors import SmmdeskError
from smmdesk.core.i18n import _
from smmdesk.core.store import Order
from smmdesk.core.store.sales import parse_sale_price
from smmdesk.ui.i18n import keep_left_to_right
from smmdesk.ui.theme import problem_style


class SaleEditor(QWidget):
    saved = Signal(int)

    def __init__(self, desk: Desk, parent: QWidget | None = None):
        super().__init__(parent)
        self._desk = desk
        self.order_id: int | None = None
        self.price = QLineEdit(self)
        self.price.setObjectName("salePrice")
        self.price.setAccessibleName(_("Sale price"))
        self.price.setPlaceholderText(_("Sale price"))
        keep_left_to_right(self.price)
        self.customer = QLineEdit(self)
        self.customer.setObjectName("saleCustomer")
        self.customer.setAccessibleName(_("Customer"))
        self.customer.setPlaceholderText(_("Customer"))
        self.save_button = QPushButton(_("Save"), self)
        self.save_button.setObjectName("saveSale")
        self.save_button.clicked.connect(self.save)
        self.problem = QLabel(self)
        self.problem.setStyleSheet(problem_style())
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 0, 0)
        row.addWidget(QLabel(_("Customer pays"), self))
        row.addWidget(self.price)
        row.addWidget(self.customer, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.problem)
        self.show_order(None)

    def show_order(self, order: Order | None) -> None:
        self.order_id = None if order is None else order.id
        self.setEnabled(order is not None)
        self.problem.clear()
        self.price.setText(
            "" if order is None or order.sale_price is None else str(order.sale_price)
        )
        self.customer.setText("" if order is None else order.reference or "")
        self.customer.setCompleter(QCompleter(self._desk.read.list_customers(), self))

    def save(self) -> None:
        if self.order_id is None:
            return
        try:
            price = parse_sale_price(self.price.text())
            self._desk.business.set_sale(
                self.order_id,
                sale_price=price,
                clear_price=price is None,
                customer=self.customer.text(),
            )
        except SmmdeskError as error:
            self.problem.setText(str(error))
            return
        self.saved.emit(self.order_id)
