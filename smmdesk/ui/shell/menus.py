"""The main window's menus and keyboard shortcuts.

    File     Import orders… (Ctrl+I), Export orders…, Restore from backup…, Export
             everything…, Settings… (Ctrl+,), Quit (Ctrl+Q)
    Panels   Add panel…, Manage panels… (Ctrl+Shift+P), Refresh catalog
    Orders   New order (Ctrl+N), Mass order (Ctrl+M), Find a service (Ctrl+F),
             Refresh statuses (F5),
             Track orders by id… (Ctrl+T), and the orders view's own actions
    Business Compare panels…, Reports…, Needs attention… (smmdesk.ui.business.menu)
    View     show/hide each dock, the order's details (F9), go to the panels, services,
             order form or orders (Ctrl+1 .. Ctrl+4), Reset layout
    Help     Open the data folder, Copy the recent log, About smmdesk

Shortcuts use the platform's standard keys where Qt has one (Quit, Find, New, Preferences).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from smmdesk import __version__
from smmdesk.core.i18n import _, left_to_right
from smmdesk.core.logs import recent_log
from smmdesk.ui.backups import flows as backups
from smmdesk.ui.business.menu import add_business_menu

if TYPE_CHECKING:
    from smmdesk.ui.shell.mainwindow import MainWindow

Key = QKeySequence.StandardKey


def build_menus(window: MainWindow) -> dict[str, QAction]:
    """Fill the menu bar; returns the actions by name (tests and the tray use them)."""
    made: dict[str, QAction] = {}
    bar = window.menuBar()

    def add(
        menu: QMenu, name: str, text: str, slot: Callable[[], object], *keys: object
    ) -> QAction:
        action = QAction(text, window)
        action.setObjectName(f"action_{name}")
        sequences: list[QKeySequence] = []
        for key in keys:
            for sequence in (
                QKeySequence.keyBindings(key)
                if isinstance(key, Key)
                else [
                    QKeySequence(key)  # type: ignore[arg-type]
                ]
            ):
                if not sequence.isEmpty() and sequence not in sequences:
                    sequences.append(sequence)
        action.setShortcuts(sequences)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        made[name] = action
        return action

    files = bar.addMenu(_("&File"))
    add(files, "import", _("&Import orders…"), lambda: open_import(window), "Ctrl+I")
    actions = window.orders.order_actions
    add(files, "export", _("&Export orders…"), lambda: actions.ask_export(True))
    files.addSeparator()
    add(files, "restore", _("&Restore from backup…"), lambda: backups.open_restore(window))
    add(files, "move_out", _("Export e&verything…"), lambda: backups.ask_export_everything(window))
    files.addSeparator()
    add(files, "settings", _("&Settings…"), window.open_settings, Key.Preferences, "Ctrl+,")
    files.addSeparator()
    add(files, "quit", _("&Quit"), window.close, Key.Quit, "Ctrl+Q")

    panels = bar.addMenu(_("&Panels"))
    add(panels, "add_panel", _("&Add panel…"), window.add_panel)
    add(panels, "manage_panels", _("&Manage panels…"), window.manage_panels, "Ctrl+Shift+P")
    add(panels, "refresh_catalog", _("Refresh the &catalog"), window.catalog.refresh)

    orders = bar.addMenu(_("&Orders"))
    add(orders, "new_order", _("&New order"), window.focus_order_form, Key.New)
    add(orders, "mass_order", _("&Mass order…"), window.focus_mass_order, "Ctrl+M")
    add(orders, "find_service", _("&Find a service"), window.catalog.focus_search, Key.Find)
    add(orders, "refresh", _("&Refresh statuses"), window.refresher.refresh_now, Key.Refresh, "F5")
    add(orders, "track", _("&Track orders by id…"), window.track_orders, "Ctrl+T")
    for group in actions.groups():
        orders.addSeparator()
        orders.addActions(group)

    add_business_menu(window, bar, add)  # Compare panels, Reports, Needs attention

    view = bar.addMenu(_("&View"))
    for dock in window.docks.values():
        view.addAction(dock.toggleViewAction())
    view.addAction(window.orders.details_action)
    view.addSeparator()
    add(view, "go_panels", _("Go to the &panels"), window.go_to_panels, "Ctrl+1")
    add(view, "go_services", _("Go to the &services"), window.catalog.focus_search, "Ctrl+2")
    add(view, "go_form", _("Go to the order &form"), window.focus_order_form, "Ctrl+3")
    add(view, "go_orders", _("Go to the &orders"), window.orders.table.setFocus, "Ctrl+4")
    view.addSeparator()
    add(view, "reset_layout", _("&Reset layout"), window.reset_layout)

    helping = bar.addMenu(_("&Help"))
    folder = str(window.desk.folder)
    add(helping, "open_folder", _("Open the &data folder"),
        lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(folder)))  # fmt: skip
    add(helping, "copy_log", _("&Copy the recent log"), lambda: copy_log(window))
    add(helping, "about", _("&About smmdesk"), lambda: about(window))
    window.notifier.set_menu(tray_menu(window, made))
    return made


def open_import(window: MainWindow) -> object:
    from smmdesk.ui.importing.wizard import ImportWizard

    wizard = ImportWizard(
        window.desk, window.events, window.jobs, window, panel=window.panels.current_name()
    )
    wizard.open()
    return wizard


def copy_log(window: MainWindow) -> None:
    QApplication.clipboard().setText(recent_log(window.desk.folder))
    window.status.say(_("The recent log was copied: paste it into your message to support."))


def about(window: MainWindow) -> QMessageBox:
    box = QMessageBox(window)
    box.setObjectName("aboutBox")
    box.setWindowTitle(_("About smmdesk"))
    box.setIconPixmap(window.windowIcon().pixmap(64, 64))
    box.setText(f"<b>smmdesk {__version__}</b>")
    box.setInformativeText(
        _(
            # Translators: {folder} is a folder's path; {keyring} is the Python class that
            # stores the API keys ("keyring.backends.SecretService.Keyring").
            "One desktop program for every SMM panel you buy from.\n"
            "Data folder: {folder}\nAPI keys: kept in {keyring}"
        ).format(
            folder=left_to_right(str(window.desk.folder)),
            keyring=left_to_right(window.desk.keys.backend_name()),
        )
    )
    box.open()
    return box


def tray_menu(window: MainWindow, made: dict[str, QAction]) -> QMenu:
    menu = QMenu(window)
    show = QAction(_("Show smmdesk"), menu)
    show.triggered.connect(window.bring_to_front)
    menu.addAction(show)
    menu.addAction(made["refresh"])
    menu.addSeparator()
    menu.addAction(made["quit"])
    return menu
