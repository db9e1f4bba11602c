"""The main window's toolbar: the frequent actions, each with its icon and its words.

    Add panel · Add funds · Refresh (F5) · New order (Ctrl+N) · Mass order (Ctrl+M) ·
    Find a service (Ctrl+F) ·
    Import (Ctrl+I) · Track (Ctrl+T) · Export · Settings

The actions are the menus' own (``build_menus``), so a shortcut, a menu item and a toolbar
button are one action. "Add funds" opens the chosen panel's website (the origin of its API
URL): money is added there, never through the API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QToolBar

from smmdesk.core.errors import SmmdeskError
from smmdesk.core.i18n import N_, _, left_to_right
from smmdesk.ui.theme import themed

if TYPE_CHECKING:
    from smmdesk.ui.shell.mainwindow import MainWindow

SHOWN = ("add_panel", "add_funds", "refresh", "new_order", "mass_order", "find_service",
         "import", "track", "export", "settings")  # fmt: skip
# The toolbar's short words (translated where shown).
SHORT = {"add_panel": N_("Add panel"), "refresh": N_("Refresh"), "new_order": N_("New order"),
         "mass_order": N_("Mass order"),
         "find_service": N_("Find"), "import": N_("Import"), "track": N_("Track"),
         "export": N_("Export"), "settings": N_("Settings")}  # fmt: skip


def site_of(api_url: str) -> str:
    """The panel's website for its API URL: "https://panel.example/api/v2" -> its origin."""
    parts = urlsplit(api_url)
    return f"{parts.scheme}://{parts.netloc}/" if parts.scheme and parts.netloc else ""


def open_site(window: MainWindow) -> str:
    """Open the chosen panel's website in the browser (to add funds); the address opened."""
    name = window.panels.current_name()
    try:
        address = site_of(window.desk.panel(name).url) if name else ""
    except SmmdeskError:
        address = ""
    if not address:
        window.status.say(_("Choose a panel first: its website opens to add funds."))
        return ""
    QDesktopServices.openUrl(QUrl(address))
    # Translators: {address} is the panel's website ("https://panel.example/").
    text = _("Opened {address} in your browser: add funds there.")
    window.status.say(text.format(address=left_to_right(address)))
    return address


def build_toolbar(window: MainWindow) -> QToolBar:
    made = window.actions_by_name
    funds = QAction(_("Add funds"), window)
    funds.setObjectName("action_add_funds")
    funds.setToolTip(_("Open the chosen panel's website to add funds"))
    funds.triggered.connect(lambda _checked=False: open_site(window))
    made["add_funds"] = funds
    bar = QToolBar(_("Main toolbar"), window)
    bar.setObjectName("mainToolbar")
    bar.setMovable(False)
    bar.setIconSize(QSize(18, 18))
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for name in SHOWN:
        action = made[name]
        themed(action, name)
        if name in SHORT:
            action.setIconText(_(SHORT[name]))
        keys = action.shortcut().toString(action.shortcut().SequenceFormat.NativeText)
        tip = action.toolTip() or action.text().replace("&", "")
        action.setToolTip(f"{tip} ({left_to_right(keys)})" if keys else tip)
        bar.addAction(action)
        if name in ("add_funds", "find_service"):
            bar.addSeparator()
    for name in ("manage_panels",):
        themed(made[name], name)
    return bar
