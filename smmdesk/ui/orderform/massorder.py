"""The panels' mass-order box, in the main window beside the order form: one order per line,
``service|link|quantity`` (``service|link`` for a package), as the panels' own sites take it.

"Check and preview…" hands the text to the import wizard (smmdesk.ui.importing.wizard) on the
panel chosen in the window: the same reading, validation against the catalog, preview with
totals against the balance, and exactly-once placing as a file import. Nothing is sent from
here.

Signals of ``MassOrderBox``:
    check_requested(str)    the reseller wants these lines checked (the text)
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from smmdesk.core.formats import format_integer
from smmdesk.core.i18n import _, ngettext
from smmdesk.core.importer.massorder import read_mass
from smmdesk.ui.i18n import keep_left_to_right

EXAMPLE = "1|https://instagram.com/p/Cx1|1000\n2|https://instagram.com/p/Cx2|500"


class MassOrderBox(QWidget):
    check_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("massOrder")
        intro = QLabel(
            # Translators: keep "service|link|quantity" and "service|link" as they are: the
            # lines are written with these English words' order, separated by "|".
            _(
                "One order per line: <b>service|link|quantity</b> (for a package: "
                "service|link). Rows that name no panel go to the panel chosen on the left; "
                "each row is checked and shown with its cost before anything is placed."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("massOrderText")
        self.text.setAccessibleName(_("Mass order lines"))
        keep_left_to_right(self.text)  # links and ids, one order per line
        self.text.setPlaceholderText(EXAMPLE)
        self.text.setTabChangesFocus(True)
        self.text.textChanged.connect(self._count)
        self.count = QLabel(self)
        self.count.setObjectName("massOrderCount")
        self.check_button = QPushButton(_("Check and preview…"), self)
        self.check_button.setObjectName("massOrderCheck")
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self._check)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.check_button)
        self._count()

    def lines(self) -> int:
        return len(read_mass(self.text.toPlainText()))

    def _count(self) -> None:
        lines = self.lines()
        text = ngettext("{count} order", "{count} orders", lines)
        self.count.setText(text.format(count=format_integer(lines)) if lines else "")
        self.check_button.setEnabled(bool(lines))

    def _check(self) -> None:
        text = self.text.toPlainText().strip()
        if text:
            self.check_requested.emit(text)
