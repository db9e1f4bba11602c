"""The main window: a reseller's whole day in one place.

    top docks     Panels: every panel with its balance (low ones highlighted),
                  Services: the chosen panel's catalog, searched as you type, and
                  New order: the form for the chosen service, or the mass-order box
    centre        Orders: every order, filtered, with statuses moving (full width)
                  (or the welcome page while there is no panel)
    status bar    what runs, with a progress indicator; the last refresh time

Docks can be moved, closed and reopened (View menu); their layout, the window's size and
the orders table's columns are remembered (``smmdesk.ui.shell.layout``), apart from the user's
settings.

The window owns the ``DeskEvents`` broadcast, the ``Jobs`` runner (whose failures go to
``show_error``), the ``Refresher`` (periodic refresh + webhook receiver) and the
``Notifier`` (tray). Signals:
    closed()    the window was closed (the program then shuts down)
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from smmdesk.core.desk import Desk
from smmdesk.core.i18n import _
from smmdesk.core.settings import Settings
from smmdesk.core.webhook import path_for as webhook_path
from smmdesk.ui.backups.flows import install as install_backups
from smmdesk.ui.catalog.view import CatalogPane
from smmdesk.ui.errors import show_error
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.jobs import Jobs
from smmdesk.ui.orderform.form import OrderForm
from smmdesk.ui.orderform.massorder import MassOrderBox
from smmdesk.ui.orders import OrdersPane
from smmdesk.ui.panels.listing import PanelsPane
from smmdesk.ui.resources import app_icon
from smmdesk.ui.shell.layout import STATE_FILE, WindowLayout
from smmdesk.ui.shell.menus import build_menus
from smmdesk.ui.shell.notify import Notifier
from smmdesk.ui.shell.refresher import Refresher
from smmdesk.ui.shell.status import DeskStatusBar
from smmdesk.ui.shell.toolbar import build_toolbar
from smmdesk.ui.shell.welcome import WelcomePage, start_demo
from smmdesk.ui.theme import apply_theme

if TYPE_CHECKING:
    from smmdesk.ui.panels.manager import PanelManager


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(
        self,
        desk: Desk,
        settings: Settings,
        *,
        state: QSettings | None = None,
        title_note: str = "",
    ):
        super().__init__()
        self.desk, self.settings = desk, settings
        self.events, self.jobs = DeskEvents(desk, self), Jobs(self)
        self.jobs.failed.connect(lambda error, what: show_error(self, error, what))
        self.state = state or QSettings(
            str(Path(desk.folder) / STATE_FILE), QSettings.Format.IniFormat
        )
        self.setObjectName("mainWindow")
        self.setWindowTitle("smmdesk" + (f" — {title_note}" if title_note else ""))
        self.setWindowIcon(app_icon())
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks)
        apply_theme(QApplication.instance(), settings.theme)  # type: ignore[arg-type]
        self._build_parts()
        self.actions_by_name = build_menus(self)
        self.addToolBar(build_toolbar(self))
        self._connect()
        self.layout_keeper = WindowLayout(self, self.state)
        self.layout_keeper.restore()
        self._show_page()
        self._closed_future: asyncio.Future[None] | None = None
        self._panel_manager: PanelManager | None = None  # one, reused: it follows DeskEvents

    def _build_parts(self) -> None:
        desk, events, jobs = self.desk, self.events, self.jobs
        self.panels = PanelsPane(desk, events, self)
        self.catalog = CatalogPane(desk, events, jobs, self)
        self.form = OrderForm(desk, events, jobs, self)
        self.mass_order = MassOrderBox(self)
        self.order_tabs = QTabWidget(self)
        self.order_tabs.setObjectName("orderTabs")
        self.order_tabs.setDocumentMode(True)
        self.order_tabs.addTab(self.form, _("One order"))
        self.order_tabs.addTab(self.mass_order, _("Mass order"))
        self.orders = OrdersPane(desk, events, jobs, self)
        self.welcome = WelcomePage(self)
        self.welcome.setMinimumSize(1, 1)  # hidden behind the orders, it must not set their least
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.orders)  # first: current unless there is no panel
        self.pages.addWidget(self.welcome)
        self.setCentralWidget(self.pages)
        self.docks = {
            "panels": self._dock(
                "panels", _("Panels"), self.panels, Qt.DockWidgetArea.TopDockWidgetArea
            ),
            "services": self._dock(
                "services", _("Services"), self.catalog, Qt.DockWidgetArea.TopDockWidgetArea
            ),
            "order": self._dock(
                "new_order", _("New order"), self.order_tabs, Qt.DockWidgetArea.TopDockWidgetArea
            ),
        }
        self.status = DeskStatusBar(self.jobs, self)
        self.jobs.went_wrong.connect(self.status.forget)
        self.setStatusBar(self.status)
        self.refresher = Refresher(desk, events, jobs, self.settings, self)
        self.notifier = Notifier(desk, events, self.settings, app_icon(), self)
        self.panels.model.set_threshold(self.settings.balance_threshold)
        self.backups = install_backups(self)

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        """A dock shown as ``title``; ``name`` (English, never translated) keys its saved place."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{name}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        return dock

    def _connect(self) -> None:
        self.panels.panel_selected.connect(self.catalog.set_panel)
        self.panels.add_requested.connect(self.add_panel)
        self.panels.manage_requested.connect(self.manage_panels)
        self.catalog.use_state(self.state)
        self.catalog.service_chosen.connect(self.form.set_service)
        self.form.order_placed.connect(self.catalog.note_used)
        self.catalog.order_requested.connect(self.focus_order_form)
        self.catalog.message.connect(self.status.say)
        self.form.message.connect(self.status.say)
        self.mass_order.check_requested.connect(self.check_mass_order)
        self.welcome.add_requested.connect(self.add_panel)
        self.welcome.demo_requested.connect(self.try_demo)
        self.events.panels_changed.connect(self._show_page)
        self.refresher.refreshed.connect(self._refreshed)
        self.notifier.notified.connect(lambda _title, text: self.status.say(text))
        self.notifier.activated.connect(self.bring_to_front)

    # --- life ----------------------------------------------------------------------------
    def start(self, *, refresh: bool = True) -> None:
        """Begin the background work: the catalog of the chosen panel, the refresh schedule
        (a first refresh now when ``refresh``), the webhook receiver."""
        if self.panels.current_name():
            self.catalog.set_panel(self.panels.current_name())
        self.refresher.start(refresh=refresh and bool(self.desk.panels()))
        self.notifier.check_balances()
        self.backups.start()

    async def wait_closed(self) -> None:
        """Return once the window is closed."""
        if not self.isVisible():
            return
        self._closed_future = asyncio.get_running_loop().create_future()
        await self._closed_future

    async def shutdown(self) -> None:
        """Stop the refreshes, the receiver and every job (the Desk is closed by its owner)."""
        await self.refresher.aclose()
        await self.jobs.aclose()
        await self.backups.aclose()  # the backup on quit, when something changed
        self.orders.close()  # its own timers stop (children get no closeEvent of their own)
        self.notifier.hide()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        event.accept()
        self.closed.emit()
        if self._closed_future is not None and not self._closed_future.done():
            self._closed_future.set_result(None)

    def after_history(self, order_ids: list[int]) -> None:
        """Demo mode: its orders are made (the Desk told the views); refresh at once."""
        self.refresher.refresh_now(manual=False)

    def prefill(self, service_id: str, values: dict[str, str]) -> bool:
        """Choose a service of the shown catalog and fill its form (the demo's example)."""
        if not self.catalog.select_service(service_id):
            return False
        for name, text in values.items():
            self.form.set_value(name, text)
        return True

    # --- actions -------------------------------------------------------------------------
    def add_panel(self) -> QWidget:
        from smmdesk.ui.panels.editor import PanelEditor

        editor = PanelEditor(self.desk, self.events, self.jobs, parent=self)
        editor.open()
        return editor

    def manage_panels(self) -> QWidget:
        from smmdesk.ui.panels.manager import PanelManager

        if self._panel_manager is None:
            self._panel_manager = PanelManager(self.desk, self.events, self.jobs, self)
        self._panel_manager.open()
        self._panel_manager.raise_()
        return self._panel_manager

    def open_settings(self) -> QWidget:
        from smmdesk.ui.shell.settings import SettingsDialog

        paths = {p.name: webhook_path(p) for p in self.desk.panels()}
        dialog = SettingsDialog(self.settings, paths, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # it runs no job: gone once closed
        dialog.saved.connect(self.apply_settings)
        dialog.open()
        return dialog

    def apply_settings(self, settings: Settings) -> None:
        self.settings = settings
        apply_theme(QApplication.instance(), settings.theme)  # type: ignore[arg-type]
        self.refresher.set_settings(settings)
        self.notifier.set_settings(settings)
        self.backups.set_settings(settings)
        self.panels.model.set_threshold(settings.balance_threshold)
        self.status.say(_("Settings saved."))

    def track_orders(self) -> QWidget:
        return self.form.open_track_dialog()

    def go_to_panels(self) -> None:
        self.docks["panels"].show()
        self.panels.table.setFocus()

    def focus_mass_order(self) -> None:
        dock = self.docks["order"]
        dock.show()
        dock.raise_()
        self.order_tabs.setCurrentWidget(self.mass_order)
        self.mass_order.text.setFocus()

    def check_mass_order(self, text: str) -> QWidget:
        """Check the mass-order lines as an import (the same preview, then placing)."""
        from smmdesk.ui.shell.menus import open_import

        wizard = open_import(self)
        wizard.load_text(text)  # type: ignore[attr-defined]
        return wizard

    def focus_order_form(self) -> None:
        dock = self.docks["order"]
        dock.show()
        dock.raise_()
        self.order_tabs.setCurrentWidget(self.form)
        editors = list(self.form.editors.values())
        if editors:
            editors[0].focus_widget().setFocus()

    def try_demo(self) -> None:
        if start_demo():
            self.status.say(_("The demo opens in a separate window."))
        else:
            self.status.say(_("The demo could not be started: run smmdesk --demo."))

    def bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    # --- showing -------------------------------------------------------------------------
    def _show_page(self) -> None:
        """The welcome page (docks hidden) while there is no panel, the orders otherwise;
        the docks come back when the first panel arrives."""
        empty = not self.desk.panels()
        if empty:
            from smmdesk.ui.panels.editor import keyring_problem

            self.welcome.set_keyring_problem(keyring_problem(self.desk))
        arriving = not empty and self.pages.currentWidget() is self.welcome
        if empty or arriving:
            for dock in self.docks.values():
                dock.setVisible(not empty)
        self.pages.setCurrentWidget(self.welcome if empty else self.orders)
        if arriving and self.isVisible():
            self.layout_keeper.docks_arrived()
            self.refresher.refresh_now(manual=False)  # not "Not refreshed yet" for a minute

    def _refreshed(self, _changes: object) -> None:
        self.status.show_refresh(self.refresher.last_refresh, self.refresher.last_errors)
        self.panels.model.set_errors(self.refresher.last_errors)

    # --- remembered layout (smmdesk.ui.shell.layout) ------------------------------------------
    def save_layout(self) -> None:
        self.layout_keeper.save()

    def reset_layout(self) -> None:
        """Put every dock back where it starts out."""
        self.layout_keeper.reset()
        self._show_page()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.layout_keeper.shown()
