"""The window's look: Qt's Fusion style with smmdesk's own palette, light or dark (following
the OS, or as chosen in Settings), icons from the QtAwesome fonts (Material Design Icons,
shipped inside the qtawesome wheel: nothing is fetched), and the few colours widgets paint
themselves (problems, notices, low balances, status dots), each readable on both.

    apply_theme(app, "system")      # also on every change of the OS's light/dark scheme
    icon("refresh")                 # an icon in the palette's text colour
    colour("problem")               # "#b3261e" in light, "#ff8a80" in dark
    themed(action, "refresh")       # an action's icon, redrawn when the theme changes

Icons: Material Design Icons by Pictogrammers, Apache License 2.0 (via qtawesome, MIT).
"""

from __future__ import annotations

import os
import weakref
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

os.environ.setdefault("QT_API", "pyside6")  # qtawesome (through QtPy) uses our binding

# smmdesk's names for the icons it uses -> Material Design Icons 6 names
ICONS = {
    "add_panel": "mdi6.server-plus",
    "manage_panels": "mdi6.server",
    "refresh": "mdi6.refresh",
    "new_order": "mdi6.cart-plus",
    "find_service": "mdi6.magnify",
    "import": "mdi6.file-upload-outline",
    "export": "mdi6.file-download-outline",
    "track": "mdi6.crosshairs-gps",
    "settings": "mdi6.cog-outline",
    "add_funds": "mdi6.cash-plus",
    "mass_order": "mdi6.format-list-bulleted-square",
    "cancel": "mdi6.close-circle-outline",
    "refill": "mdi6.autorenew",
    "copy": "mdi6.content-copy",
    "link": "mdi6.link-variant",
    "mark_placed": "mdi6.check-circle-outline",
    "mark_not_placed": "mdi6.minus-circle-outline",
    "details": "mdi6.dock-right",
    "favourite": "mdi6.star",
    "not_favourite": "mdi6.star-outline",
    "no_answer": "mdi6.lan-disconnect",
    "low_balance": "mdi6.wallet-outline",
    "empty": "mdi6.tray-remove",
}
PALETTES = {
    "light": {
        "window": "#f3f4f6", "base": "#ffffff", "alternate": "#f6f7f9", "text": "#1d2330",
        "button": "#e9ebef", "highlight": "#2f6fde", "highlighted": "#ffffff",
        "muted": "#6b7280", "link": "#1f5fc4", "tip": "#ffffe1", "disabled": "#9aa0a8",
        "problem": "#b3261e", "notice": "rgba(47, 111, 222, 0.10)",
        "notice_border": "rgba(47, 111, 222, 0.45)", "warn": "rgba(227, 165, 0, 0.16)",
        "warn_border": "rgba(200, 140, 0, 0.60)", "low": "#b3261e", "grid": "#dfe2e7",
    },
    "dark": {
        "window": "#1e2127", "base": "#16181d", "alternate": "#1c1f25", "text": "#e4e7ec",
        "button": "#2a2e36", "highlight": "#3b7bea", "highlighted": "#ffffff",
        "muted": "#9aa3ae", "link": "#79a8ff", "tip": "#2a2e36", "disabled": "#6b717b",
        "problem": "#ff8a80", "notice": "rgba(121, 168, 255, 0.14)",
        "notice_border": "rgba(121, 168, 255, 0.50)", "warn": "rgba(255, 196, 0, 0.14)",
        "warn_border": "rgba(255, 196, 0, 0.55)", "low": "#ff8a80", "grid": "#30343c",
    },
}  # fmt: skip

_current = {"mode": "light", "choice": "system"}
_themed: list[tuple[weakref.ref[Any], str]] = []
_icons: dict[tuple[str, str], QIcon] = {}
_loaded: list[Any] = []  # the icon font, once loaded


def os_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)  # Qt 6.5+
    return scheme is not None and scheme() == Qt.ColorScheme.Dark


def mode() -> str:
    """The look in force: "light" or "dark"."""
    return _current["mode"]


def colour(name: str) -> str:
    return PALETTES[mode()][name]


def palette_for(which: str) -> QPalette:
    c = PALETTES[which]
    palette = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    for r, key in (
        (role.Window, "window"), (role.WindowText, "text"), (role.Base, "base"),
        (role.AlternateBase, "alternate"), (role.Text, "text"), (role.Button, "button"),
        (role.ButtonText, "text"), (role.Highlight, "highlight"),
        (role.HighlightedText, "highlighted"), (role.ToolTipBase, "tip"),
        (role.ToolTipText, "text"), (role.Link, "link"), (role.PlaceholderText, "muted"),
        (role.BrightText, "problem"),
    ):  # fmt: skip
        palette.setColor(r, QColor(c[key]))
    for r in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(group.Disabled, r, QColor(c["disabled"]))
    palette.setColor(group.Disabled, role.Highlight, QColor(c["button"]))
    return palette


def apply_theme(app: QApplication, choice: str = "system") -> str:
    """Fusion with the palette for ``choice`` ("system", "light", "dark"); returns the mode.
    With "system" the look follows the OS when it switches between light and dark."""
    first = _current["choice"] == "system" and not app.property("smmdeskThemed")
    _current["choice"] = choice
    which = choice if choice in ("light", "dark") else ("dark" if os_is_dark() else "light")
    _current["mode"] = which
    app.setStyle("Fusion")
    app.setPalette(palette_for(which))
    app.setStyleSheet(_sheet(which))
    if first:
        app.setProperty("smmdeskThemed", True)
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(lambda *_: _follow_os(app))
    _redraw_icons()
    return which


def _follow_os(app: QApplication) -> None:
    if _current["choice"] == "system":
        apply_theme(app, "system")


def _sheet(which: str) -> str:
    c = PALETTES[which]
    return (
        f"QToolTip {{ color: {c['text']}; background: {c['tip']}; border: 1px solid "
        f"{c['grid']}; padding: 3px; }}"
        f"QHeaderView::section {{ padding: 3px 6px; }}"
        f"QDockWidget::title {{ padding: 4px 6px; }}"
    )


def icon(name: str) -> QIcon:
    """The icon ``name`` (see ICONS) in the palette's text colour, dimmed when disabled."""
    key = (name, mode())
    made = _icons.get(key)
    if made is None:
        made = _font().icon(ICONS[name], color=colour("text"), color_disabled=colour("disabled"))
        _icons[key] = made
    return made


def _font() -> Any:
    """The one icon font smmdesk draws from (Material Design Icons 6), loaded alone: all of
    qtawesome's fonts at once cost ~0.3 s of the program's start."""
    if not _loaded:
        import qtawesome

        wanted = [f for f in getattr(qtawesome, "_BUNDLED_FONTS", ()) if f[0] == "mdi6"]
        if wanted:
            from qtawesome.iconic_font import IconicFont

            _loaded.append(IconicFont(*wanted))
        else:  # another qtawesome layout: its own loader (every font)
            _loaded.append(qtawesome)
    return _loaded[0]


def themed(target: QObject, name: str) -> QObject:
    """Give ``target`` (a QAction or button) the icon ``name``, and again on theme changes."""
    target.setIcon(icon(name))  # type: ignore[attr-defined]
    _themed.append((weakref.ref(target), name))
    return target


def _redraw_icons() -> None:
    alive = []
    for ref, name in _themed:
        target = ref()
        if target is None:
            continue
        try:
            target.setIcon(icon(name))
        except RuntimeError:  # its C++ object is gone
            continue
        alive.append((ref, name))
    _themed[:] = alive


def notice_style(warn: bool = False) -> str:
    """A notice box's style sheet: a tint over the palette, readable in light and dark."""
    bg, border = ("warn", "warn_border") if warn else ("notice", "notice_border")
    return (
        f"QLabel {{ background: {colour(bg)}; border: 1px solid {colour(border)}; "
        "border-radius: 4px; padding: 6px; }"
    )


def problem_style() -> str:
    return f"color: {colour('problem')};"
