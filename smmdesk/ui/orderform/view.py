"""How the order form looks: the service's header, notices, one row per field with its
problem under it, the summary (quantity, cost, balance after) and the buttons.

``FormView`` lays out what ``OrderForm`` (orderform.py) decides. Problems show under a
field once it was edited, or under every field after a try to place the order. A service
of a type smmdesk doesn't know gets an "Other fields" box (name=value per line) whose
lines are sent as given, as the order-type table's fallback says.

Signals:
    edited()    a field changed (the form checks everything again)
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.api.models import Service
from smmdesk.core.errors import FieldProblem
from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import N_, _, left_to_right
from smmdesk.core.ordertypes import BoundField, spec_for
from smmdesk.ui.catalog.model import rate_text, type_text
from smmdesk.ui.i18n import keep_left_to_right
from smmdesk.ui.orderform.widgets import FieldEditor, editor_for
from smmdesk.ui.theme import notice_style, problem_style

EXTRAS = "other fields"  # the key of the "Other fields" box among the edited ones (not shown)


class FormView(QWidget):
    edited = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.editors: dict[str, FieldEditor] = {}
        self.problem_labels: dict[str, QLabel] = {}
        self.dirty: set[str] = set()
        self.current_fields: list[BoundField] = []
        self.current_notices: list[str] = []
        self.extras: QPlainTextEdit | None = None
        self.reference_edit: QLineEdit | None = None
        self.sale_edit: QLineEdit | None = None
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.general = QLabel(self)
        self.general.setObjectName("generalProblems")
        self.general.setWordWrap(True)
        self.general.setStyleSheet(problem_style())
        self.summary = self._summary_box()
        self.place_button = QPushButton(_("Place order…"), self)
        self.place_button.setObjectName("placeOrder")
        self.place_button.setDefault(True)
        self.track_button = QPushButton(_("Track an order by id…"), self)
        self.track_button.setObjectName("trackOrder")
        self.clear_button = QPushButton(_("Clear"), self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(self.track_button)
        buttons.addWidget(self.place_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.general)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)

    def _summary_box(self) -> QFrame:
        box = QFrame(self)
        box.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(box)
        self.quantity_value, self.cost_value, self.after_value = QLabel(), QLabel(), QLabel()
        for row, (title, value) in enumerate(
            ((N_("Quantity"), self.quantity_value), (N_("Expected cost"), self.cost_value),
             (N_("Balance after"), self.after_value))
        ):  # fmt: skip
            value.setObjectName(title.lower().replace(" ", "_"))  # from the English title
            value.setAlignment(Qt.AlignmentFlag.AlignRight)
            keep_left_to_right(value)  # a number or an amount
            grid.addWidget(QLabel(_(title)), row, 0)
            grid.addWidget(value, row, 1)
        return box

    # --- building ------------------------------------------------------------------------
    def show_empty(self, text: str) -> None:
        page = QLabel(text)
        page.setObjectName("formEmpty")
        page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        page.setWordWrap(True)
        self._replace(page, [], [])
        self.show_summary("—", "—", "—", False)
        self.general.clear()
        for button in (self.place_button, self.track_button, self.clear_button):
            button.setVisible(button is not self.track_button)
            button.setEnabled(False)

    def build(
        self, service: Service, fields: list[BoundField], notices: list[str], currency: str = ""
    ) -> None:
        """Lay out the form for ``service``: header, notices, a row per field."""
        page = QWidget()
        column = QVBoxLayout(page)
        title = QLabel(f"<b>{left_to_right(_html(service.id))} · {_html(service.name)}</b>")
        title.setObjectName("formTitle")
        title.setWordWrap(True)
        column.addWidget(title)
        # Translators: the least and the greatest quantity of a service.
        bounds = _("min {minimum}, max {maximum}").format(
            minimum=format_integer(service.min), maximum=format_integer(service.max)
        )
        terms = QLabel(f"{type_text(service)} · {rate_text(service, currency)} · {bounds}")
        terms.setWordWrap(True)
        column.addWidget(terms)
        warn = not spec_for(service).known or not all(f.enabled for f in fields)
        for notice in notices:
            label = QLabel(notice)
            label.setObjectName("formNotice")
            label.setWordWrap(True)
            label.setStyleSheet(notice_style(warn))
            column.addWidget(label)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._replace(page, fields, notices)
        for field in fields:
            self._add_row(form, field)
        if spec_for(service).takes_extras:
            self.extras = QPlainTextEdit()
            self.extras.setObjectName("field_extras")
            self.extras.setAccessibleName(_("Other fields"))
            self.extras.setPlaceholderText(
                _("Other fields the panel asks for: name=value, one per line")
            )
            keep_left_to_right(self.extras)  # API field names and their values
            self.extras.setTabChangesFocus(True)
            self.extras.setFixedHeight(self.extras.fontMetrics().lineSpacing() * 3 + 12)
            self.extras.textChanged.connect(lambda: self._edited(EXTRAS))
            form.addRow(_("Other fields"), self.extras)
        self.reference_edit = QLineEdit()
        self.reference_edit.setObjectName("field_reference")
        self.reference_edit.setAccessibleName(_("Reference"))
        self.reference_edit.setPlaceholderText(
            _("Your note: customer, shop order number… (optional)")
        )
        form.addRow(_("Reference"), self.reference_edit)
        self.sale_edit = QLineEdit()
        self.sale_edit.setObjectName("field_sale_price")
        self.sale_edit.setAccessibleName(_("Sale price"))
        self.sale_edit.setPlaceholderText(_("What your customer pays (optional)"))
        keep_left_to_right(self.sale_edit)
        self.sale_edit.textChanged.connect(lambda _text: self._edited("sale_price"))
        form.addRow(_("Sale price"), self.sale_edit)
        column.addLayout(form)
        column.addStretch(1)
        self._tab_order()
        enabled = all(f.enabled for f in fields)
        self.track_button.setVisible(not enabled)
        self.clear_button.setVisible(True)
        self.clear_button.setEnabled(True)
        self.place_button.setVisible(True)

    def _tab_order(self) -> None:
        """Tab goes down the form: each field, the other fields, the reference, then the
        buttons (Clear, Track, Place)."""
        chain: list[QWidget] = [e.focus_widget() for e in self.editors.values()]
        chain += [w for w in (self.extras, self.reference_edit) if w is not None]
        chain += [self.clear_button, self.track_button, self.place_button]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _replace(self, page: QWidget, fields: list[BoundField], notices: list[str]) -> None:
        old = self.scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self.editors, self.problem_labels, self.dirty = {}, {}, set()
        self.extras = self.reference_edit = self.sale_edit = None
        self.current_fields, self.current_notices = list(fields), list(notices)
        self.scroll.setWidget(page)

    def _add_row(self, form: QFormLayout, field: BoundField) -> None:
        editor = editor_for(field)
        editor.changed.connect(lambda name=field.name: self._edited(name))
        problem = QLabel()
        problem.setObjectName(f"problem_{field.name}")
        problem.setWordWrap(True)
        problem.setStyleSheet(problem_style())
        problem.hide()
        cell = QVBoxLayout()
        cell.setSpacing(2)
        cell.addWidget(editor)
        cell.addWidget(problem)
        label = QLabel(field.label + (" *" if field.required else ""))
        label.setToolTip(field.help)
        label.setBuddy(editor.focus_widget())
        form.addRow(label, cell)
        self.editors[field.name] = editor
        self.problem_labels[field.name] = problem

    def _edited(self, name: str) -> None:
        self.dirty.add(name)
        self.edited.emit()

    # --- reading and showing -------------------------------------------------------------
    def values(self) -> dict[str, str]:
        """Raw texts by API field name, with the "other fields" lines of an unknown type."""
        values = {name: editor.text() for name, editor in self.editors.items()}
        for name, value in self.extra_values().items():
            values.setdefault(name, value)
        return values

    def extra_values(self) -> dict[str, str]:
        if self.extras is None:
            return {}
        found = {}
        for line in self.extras.toPlainText().splitlines():
            name, equals, value = line.partition("=")
            if equals and name.strip():
                found[name.strip()] = value.strip()
        return found

    def extra_problems(self) -> list[FieldProblem]:
        if self.extras is None:
            return []
        bad = [ln for ln in self.extras.toPlainText().splitlines() if ln.strip() and "=" not in ln]
        if not bad:
            return []
        # Translators: {line} is the line as typed; keep "name=value" and "=" as they are.
        message = _("Write other fields as name=value, one per line ('{line}' has no '=').")
        return [FieldProblem("", message.format(line=bad[0].strip()))]

    def set_value(self, name: str, text: str) -> None:
        if name in self.editors:
            self.editors[name].set_text(text)
        elif self.extras is not None:
            self.extras.appendPlainText(f"{name}={text}")

    def reference(self) -> str:
        return self.reference_edit.text().strip() if self.reference_edit else ""

    def set_reference(self, text: str) -> None:
        if self.reference_edit is not None:
            self.reference_edit.setText(text)

    def sale_price_text(self) -> str:
        return self.sale_edit.text().strip() if self.sale_edit else ""

    def set_sale_price_text(self, text: str) -> None:
        if self.sale_edit is not None:
            self.sale_edit.setText(text)

    def fields_enabled(self) -> bool:
        return all(f.enabled for f in self.current_fields)

    def show_problems(self, problems: list[FieldProblem]) -> None:
        by_field: dict[str, list[str]] = {}
        general = []
        for problem in problems:
            if problem.field in self.problem_labels:
                by_field.setdefault(problem.field, []).append(problem.message)
            elif problem.field in self.extra_values() or not problem.field:
                general.append(problem.message)
            else:
                general.append(f"{problem.field}: {problem.message}")
        for name, label in self.problem_labels.items():
            messages = by_field.get(name, []) if self._may_scold(name) else []
            label.setText("\n".join(messages))
            label.setVisible(bool(messages))
        self.general.setText("\n".join(general) if self.dirty else "")

    def _may_scold(self, name: str) -> bool:
        """Problems show once a field was edited, or when it is not merely still empty
        (a message about it caused by another field shows at once)."""
        if name in self.dirty:
            return True
        field = next((f for f in self.current_fields if f.name == name), None)
        return not (field is not None and field.required and not self.editors[name].text())

    def reveal_problems(self) -> None:
        """Show every problem (after a try to place) and go to the first field concerned."""
        self.dirty |= set(self.editors) | {EXTRAS}
        self.edited.emit()
        for name, label in self.problem_labels.items():
            if label.isVisible() or label.text():
                self.editors[name].focus_widget().setFocus()
                break

    def show_summary(self, quantity: str, cost: str, after: str, short: bool) -> None:
        self.quantity_value.setText(quantity)
        self.cost_value.setText(cost)
        self.after_value.setText(after)
        self.after_value.setStyleSheet(problem_style() + " font-weight: bold;" if short else "")
        self.after_value.setToolTip(_("More than the balance: add funds first.") if short else "")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
