"""The first run: no panel yet, so say what to do — add a panel, or try the demo.

"Try the demo" starts a second smmdesk window on the built-in demo panel (``--demo``): a
throw-away data folder, so nothing of the demo mixes with the reseller's own data.

Signals of ``WelcomePage``:
    add_requested()     "Add your panel"
    demo_requested()    "Try the demo"
    bring_requested()   "Bring my data" (a move file from another computer)
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QProcess, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from smmdesk.core.i18n import N_, _
from smmdesk.ui.resources import app_icon
from smmdesk.ui.theme import notice_style

TEXT = N_("""
<h2>Welcome to smmdesk</h2>
<p>smmdesk keeps every SMM panel you buy from in one window: balances, services, orders
and their statuses.</p>
<p><b>To start, add a panel.</b> You need two things from your account on the panel's
website, usually on its <i>API</i> page:</p>
<ul>
<li>the <b>API URL</b>, like <code>https://panel.example/api/v2</code></li>
<li>your <b>API key</b>, a long code. smmdesk keeps it in your system's keyring, never in a
file.</li>
</ul>
<p>Not ready yet? <b>Try the demo</b>: a practice panel with some orders to look at, in a
separate window. Nothing you do there costs money or touches your data.</p>
""")


def demo_command() -> tuple[str, list[str]]:
    """How to start ``smmdesk --demo`` from this program (source, installed or bundled)."""
    if getattr(sys, "frozen", False):
        return sys.executable, ["--demo"]
    return sys.executable, ["-m", "smmdesk", "--demo"]


def start_demo() -> bool:
    """Start the demo in its own process; False when it could not start."""
    program, args = demo_command()
    started, _pid = QProcess.startDetached(program, args)
    return bool(started)


class WelcomePage(QWidget):
    add_requested = Signal()
    demo_requested = Signal()
    bring_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("welcomePage")
        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(96, 96))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(_(TEXT), self)
        text.setObjectName("welcomeText")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        self.add_button = QPushButton(_("Add your panel…"), self)
        self.add_button.setObjectName("welcomeAdd")
        self.add_button.setDefault(True)
        self.add_button.setMinimumHeight(36)
        self.add_button.clicked.connect(self.add_requested)
        self.demo_button = QPushButton(_("Try the demo"), self)
        self.demo_button.setObjectName("welcomeDemo")
        self.demo_button.setMinimumHeight(36)
        self.demo_button.clicked.connect(self.demo_requested)
        self.bring_button = QPushButton(_("Bring my data…"), self)
        self.bring_button.setObjectName("welcomeBring")
        self.bring_button.setMinimumHeight(36)
        self.bring_button.setToolTip(
            _(
                "Moving from another computer? Open the file you made there with File > "
                "Export everything…, then enter each panel's key."
            )
        )
        self.bring_button.clicked.connect(self.bring_requested)
        self.keyring_note = QLabel(self)
        self.keyring_note.setObjectName("welcomeKeyring")
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setStyleSheet(notice_style(warn=True))
        self.keyring_note.hide()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.demo_button)
        buttons.addWidget(self.bring_button)
        buttons.addStretch(1)
        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(icon)
        column.addWidget(text)
        column.addWidget(self.keyring_note)
        column.addSpacing(12)
        column.addLayout(buttons)
        column.addStretch(2)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(column, 3)
        outer.addStretch(1)

    def set_keyring_problem(self, problem: str) -> None:
        """Say up front when API keys can't be kept (no usable system keyring)."""
        # Translators: {problem} says why API keys can't be kept on this computer.
        note = _("<b>Before you add a panel:</b> {problem}")
        self.keyring_note.setText(note.format(problem=problem) if problem else "")
        self.keyring_note.setVisible(bool(problem))
