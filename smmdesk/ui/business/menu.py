"""The Business menu and its windows: Compare panels, Reports, Needs attention.

    Business   Compare panels… (Ctrl+Shift+M), Reports… (Ctrl+Shift+R),
               Needs attention… (Ctrl+Shift+A)

A catalog refresh that changes the rate of a service you have ordered is notified.
Each window is made on first use and kept (one of each per main window). ``order_on``
is "Order this on…": the main window's panel, catalog and form move to that panel's
service, and the fields typed in the form come along.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QMenu, QMenuBar

from smmdesk.core.errors import SmmdeskError
from smmdesk.core.i18n import _, ngettext
from smmdesk.core.money import format_money

if TYPE_CHECKING:
    from smmdesk.ui.shell.mainwindow import MainWindow

Adder = Callable[..., Any]


def add_business_menu(window: MainWindow, bar: QMenuBar, add: Adder) -> QMenu:
    """The Business menu, its actions added with the menu bar's ``add``."""
    menu = bar.addMenu(_("&Business"))
    add(menu, "compare", _("&Compare panels…"), lambda: open_compare(window), "Ctrl+Shift+M")
    add(menu, "reports", _("&Reports…"), lambda: open_reports(window), "Ctrl+Shift+R")
    add(menu, "attention", _("Needs &attention…"), lambda: open_attention(window), "Ctrl+Shift+A")
    window.events.catalog_changed.connect(lambda panel: tell_price_changes(window, panel))
    return menu


def tell_price_changes(window: MainWindow, panel: str) -> None:
    """After a catalog refresh: notify the rate changes it brought to services you ordered."""
    try:
        found = window.desk.panel(panel)
    except SmmdeskError:
        return
    fetched = found.catalog_fetched_at
    moves = [m for m in window.desk.read.price_moves(panel_id=found.id) if m.changed_at == fetched]
    if not moves:
        return
    # Translators: one service's rate change: "101 Instagram Likes: 0.50 -> 0.60".
    change = _("{service} {name}: {old} -> {new}")
    shown = "; ".join(
        change.format(
            service=m.service_id,
            name=m.name,
            old=format_money(m.old_rate),
            new=format_money(m.new_rate),
        )
        for m in moves[:3]
    )
    if len(moves) > 3:
        more = len(moves) - 3
        # Translators: {changes} lists three rate changes; {count} how many more there are.
        text = ngettext("{changes} and {count} more.", "{changes} and {count} more.", more).format(
            changes=shown, count=more
        )
    else:
        text = _("{changes}.").format(changes=shown)
    window.notifier.notify(_("Prices changed on {panel}").format(panel=panel), text)


def _windows(window: MainWindow) -> dict[str, QDialog]:
    found: dict[str, QDialog] | None = getattr(window, "business_windows", None)
    if found is None:
        found = {}
        window.business_windows = found  # type: ignore[attr-defined]
    return found


def _show(dialog: QDialog) -> QDialog:
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def open_compare(window: MainWindow, text: str = "") -> QDialog:
    from smmdesk.ui.business.compare import CompareWindow

    windows = _windows(window)
    dialog = windows.get("compare")
    if not isinstance(dialog, CompareWindow):
        dialog = windows["compare"] = CompareWindow(
            window.desk, window.events, window.settings, window
        )
        dialog.order_requested.connect(lambda panel, sid: order_on(window, panel, sid))
    if text:
        dialog.set_search(text)
    elif window.form.service is not None and not dialog.search.text():
        dialog.set_search(window.form.service.name)
    return _show(dialog)


def open_reports(window: MainWindow) -> QDialog:
    from smmdesk.ui.business.reports import ReportsWindow

    windows = _windows(window)
    dialog = windows.get("reports")
    if not isinstance(dialog, ReportsWindow):
        dialog = windows["reports"] = ReportsWindow(window.desk, window.settings, window)
    dialog.reload()
    return _show(dialog)


def open_attention(window: MainWindow) -> QDialog:
    from smmdesk.ui.business.attention import AttentionWindow

    windows = _windows(window)
    dialog = windows.get("attention")
    if not isinstance(dialog, AttentionWindow):
        dialog = windows["attention"] = AttentionWindow(
            window.desk, window.events, window.jobs, window.settings, window
        )
        dialog.compare_requested.connect(lambda text: open_compare(window, text))
    dialog.reload()
    return _show(dialog)


def order_on(window: MainWindow, panel: str, service_id: str) -> bool:
    """Open the order form on ``panel``'s service ``service_id``, the typed fields kept."""
    carried = window.form.values() if window.form.service is not None else {}
    reference, sale = window.form.reference(), window.form.sale_price_text()
    window.panels.select(panel)
    if window.catalog.panel != panel:
        window.catalog.set_panel(panel)
    if not window.catalog.select_service(service_id):
        window.status.say(
            _("Service {service} is not in the catalog of {panel} any more.").format(
                service=service_id, panel=panel
            )
        )
        return False
    for name, text in carried.items():
        if name in window.form.editors:
            window.form.set_value(name, text)
    window.form.set_reference(reference)
    window.form.set_sale_price_text(sale)
    window.focus_order_form()
    window.bring_to_front()
    window.status.say(
        _("Ordering service {service} on {panel}: check the fields, then place it.").format(
            service=service_id, panel=panel
        )
    )
    return True
