"""One editor widget per field *kind* of the order-type table (never per order type).

    INTEGER            NumberEdit: digits only, Up/Down step within the field's bounds,
                       the bounds shown as placeholder ("50 – 10,000")
    DATE               DateEdit: a calendar date (YYYY-MM-DD); optional dates have a switch
    CHOICE             ChoiceEdit: a drop-down of the field's choices
    LINES / LIST       LinesEdit: several lines, with a live count of the lines
    TEXT/LINK/USERNAME LineEdit: one line

Every editor says ``changed()`` on each edit and gives its content as the raw text the core
parses (``text()``), so validation stays in one place: ``smmdesk.core.ordertypes``.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import _, ngettext
from smmdesk.core.ordertypes import BoundField, FieldKind, split_lines
from smmdesk.ui.i18n import keep_left_to_right

LEFT_TO_RIGHT_KINDS = (FieldKind.LINK, FieldKind.USERNAME, FieldKind.INTEGER)

BIG = 2_147_483_647


class FieldEditor(QWidget):
    """Base of the editors: ``changed`` signal, ``text``/``set_text``, ``focus_widget``."""

    changed = Signal()

    def __init__(self, field: BoundField, parent: QWidget | None = None):
        super().__init__(parent)
        self.field = field
        self.setObjectName(f"field_{field.name}")
        self.setToolTip(field.help)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def text(self) -> str:
        raise NotImplementedError

    def set_text(self, text: str) -> None:
        raise NotImplementedError

    def focus_widget(self) -> QWidget:
        return self


# What a number field takes as it is typed: digits (Latin, Arabic-Indic, Devanagari: the
# languages whose digits core.formats reads), grouped by spaces, commas, dots or the
# no-break spaces locales group with. Python puts the characters in (PCRE has no \u escape).
_DIGITS = "0-9\u0660-\u0669\u06f0-\u06f9\u0966-\u096f"
NUMBER_TYPED = f"[{_DIGITS}][{_DIGITS} ,.\u00a0\u202f]{{0,14}}"


class NumberEdit(QLineEdit):
    """A whole number; Up/Down add or take one within [low, high]."""

    def __init__(self, low: int | None, high: int | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.low, self.high = low, high
        # digits grouped the user's way too: "1 000", "1,000", "1.000" (core.formats reads them)
        self.setValidator(QRegularExpressionValidator(QRegularExpression(NUMBER_TYPED), self))
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        if low is not None and high is not None:
            self.setPlaceholderText(f"{format_integer(low)} – {format_integer(high)}")
        elif low is not None:
            # Translators: {minimum} is the least number the field takes ("10").
            self.setPlaceholderText(_("{minimum} or more").format(minimum=format_integer(low)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = {Qt.Key.Key_Up: 1, Qt.Key.Key_Down: -1}.get(Qt.Key(event.key()))
        if step is None:
            super().keyPressEvent(event)
            return
        digits = "".join(c for c in self.text() if c.isdigit())
        value = int(digits) + step if digits else (self.low or 0)
        value = max(value, self.low or 0)
        value = min(value, self.high if self.high is not None else BIG)
        self.setText(str(value))


class LineEditor(FieldEditor):
    """One line of text; its ``QLineEdit`` comes from ``_make_edit``."""

    def __init__(self, field: BoundField, parent: QWidget | None = None):
        super().__init__(field, parent)
        self.edit = self._make_edit()
        if field.kind in LEFT_TO_RIGHT_KINDS:  # a link or a number reads left to right always
            keep_left_to_right(self.edit)
        self.edit.setText(field.default)
        self.edit.textChanged.connect(self.changed)
        self._layout.addWidget(self.edit)

    def _make_edit(self) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setPlaceholderText(self.field.help)
        return edit

    def text(self) -> str:
        return self.edit.text()

    def set_text(self, text: str) -> None:
        self.edit.setText(text)

    def focus_widget(self) -> QWidget:
        return self.edit


class NumberEditor(LineEditor):
    """A whole number within the field's bounds (``NumberEdit``)."""

    def _make_edit(self) -> QLineEdit:
        return NumberEdit(self.field.minimum, self.field.maximum, self)


class LinesEditor(FieldEditor):
    """Several lines (one item per line, or a list), with the number of lines shown."""

    def __init__(self, field: BoundField, parent: QWidget | None = None):
        super().__init__(field, parent)
        self.edit = QPlainTextEdit(self)
        self.edit.setPlaceholderText(field.help)
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(self.edit.fontMetrics().lineSpacing() * 5 + 12)
        self.edit.setPlainText(field.default)
        self.count = QLabel(self)
        self.count.setObjectName("lineCount")
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.edit)
        column.addWidget(self.count)
        self._layout.addLayout(column)
        self.edit.textChanged.connect(self._edited)
        self._edited()

    def _edited(self) -> None:
        lines = len(split_lines(self.edit.toPlainText()))
        count = format_integer(lines)
        low, high = self.field.minimum, self.field.maximum
        if low is not None and high is not None:
            # Translators: {minimum} – {maximum} is how many lines the service takes.
            text = ngettext(
                "{count} line (this service takes {minimum} – {maximum})",
                "{count} lines (this service takes {minimum} – {maximum})",
                lines,
            ).format(count=count, minimum=format_integer(low), maximum=format_integer(high))
        else:
            text = ngettext("{count} line", "{count} lines", lines).format(count=count)
        self.count.setText(text)
        self.changed.emit()

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        self.edit.setPlainText(text)

    def focus_widget(self) -> QWidget:
        return self.edit


class ChoiceEditor(FieldEditor):
    def __init__(self, field: BoundField, parent: QWidget | None = None):
        super().__init__(field, parent)
        self.combo = QComboBox(self)
        self.combo.addItem(_("Choose…") if field.required else _("(none)"), "")
        for code, label in field.choices:
            self.combo.addItem(f"{_(label) if label else label} ({code})", code)
        self.set_text(field.default)
        self.combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self._layout.addWidget(self.combo)

    def text(self) -> str:
        return str(self.combo.currentData() or "")

    def set_text(self, text: str) -> None:
        found = self.combo.findData(text.strip())
        self.combo.setCurrentIndex(max(found, 0))

    def focus_widget(self) -> QWidget:
        return self.combo


class DateEditor(FieldEditor):
    """A date; an optional one is off ("no date") until its switch is ticked."""

    def __init__(self, field: BoundField, parent: QWidget | None = None):
        super().__init__(field, parent)
        self.switch = QCheckBox(_("Set a date"), self)
        self.date = QDateEdit(self)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setDate(QDate.currentDate().addDays(30))
        self.switch.setVisible(not field.required)
        self.switch.toggled.connect(self.date.setEnabled)
        self.switch.toggled.connect(lambda _on: self.changed.emit())
        self.date.dateChanged.connect(lambda _d: self.changed.emit())
        self.switch.setChecked(field.required)
        self.date.setEnabled(field.required)
        self._layout.addWidget(self.switch)
        self._layout.addWidget(self.date, 1)
        if field.default:
            self.set_text(field.default)

    def text(self) -> str:
        if not self.switch.isChecked():
            return ""
        return self.date.date().toString("yyyy-MM-dd")

    def set_text(self, text: str) -> None:
        day = QDate.fromString(text.strip(), "yyyy-MM-dd")
        self.switch.setChecked(bool(text.strip()) or self.field.required)
        if day.isValid():
            self.date.setDate(day)

    def focus_widget(self) -> QWidget:
        return self.switch if self.switch.isVisible() else self.date


def editor_for(field: BoundField, parent: QWidget | None = None) -> FieldEditor:
    """The editor for ``field``, chosen by its kind alone."""
    if field.kind is FieldKind.INTEGER:
        editor: FieldEditor = NumberEditor(field, parent)
    elif field.kind is FieldKind.DATE:
        editor = DateEditor(field, parent)
    elif field.kind is FieldKind.CHOICE:
        editor = ChoiceEditor(field, parent)
    elif field.multiline:
        editor = LinesEditor(field, parent)
    else:
        editor = LineEditor(field, parent)
    editor.setEnabled(field.enabled)
    editor.focus_widget().setAccessibleName(field.label)
    return editor
