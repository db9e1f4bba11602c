"""The one place errors are shown to the reseller.

Known errors (``SmmdeskError``: the panel, the network, the keyring, a bad field) are shown as
their sentence, with the panel's own words under "Show Details". Anything else is a bug: it is
logged with its traceback to the data folder's log, and the message offers "Copy details" so
the reseller can send it to us. Message boxes are opened window-modal without a nested event
loop (``open()``, not ``exec()``): background work keeps running while one is shown; each
deletes itself once closed.
"""

from __future__ import annotations

import logging
import platform
import traceback

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from smmdesk import __version__
from smmdesk.core.errors import SmmdeskError
from smmdesk.core.i18n import _

log = logging.getLogger("smmdesk.ui")


def describe(error: BaseException, what: str = "") -> tuple[str, str]:
    """(the sentence for the reseller, details) for an error; logs bugs with a traceback."""
    if isinstance(error, SmmdeskError):
        details = ""
        if error.panel_message:
            # Translators: {message} is the panel's own answer, in the panel's language.
            details = _("The panel said: {message}").format(message=error.panel_message)
        return error.user_message, details
    trace = "".join(traceback.format_exception(error))
    log.error("unexpected error while %s:\n%s", what or "working", trace)
    details = (
        f"smmdesk {__version__}, Python {platform.python_version()}, {platform.platform()}\n"
        f"While: {what or 'working'}\n\n{trace}"
    )
    if what:
        # Translators: {what} is what smmdesk was doing ("refreshing statuses"), its first
        # letter made small.
        text = _(
            "smmdesk hit an unexpected problem while {what}. Your data is safe. The details "
            "were saved to the log; use Copy details to send them to us."
        ).format(what=what[0].lower() + what[1:])
    else:
        text = _(
            "smmdesk hit an unexpected problem. Your data is safe. The details were saved "
            "to the log; use Copy details to send them to us."
        )
    return text, details


def show_error(parent: QWidget | None, error: BaseException, what: str = "") -> QMessageBox:
    """Show ``error`` (non-blocking) and return the message box (deleted once closed)."""
    text, details = describe(error, what)
    box = QMessageBox(parent)
    box.setObjectName("errorBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(what or "smmdesk")
    box.setText(text)
    if details:
        box.setDetailedText(details)
    if not isinstance(error, SmmdeskError):
        copy = box.addButton(_("Copy details"), QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()  # keep the box open after copying
        copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
    box.addButton(QMessageBox.StandardButton.Close)
    box.open()
    return box
