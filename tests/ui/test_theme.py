"""The designed look: Fusion with smmdesk's palette, light and dark (chosen in Settings, or
following the OS), icons drawn from the qtawesome wheel (no network), the toolbar's frequent
actions, and the empty orders view saying what to do."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtWidgets import QApplication, QToolBar

from smmdesk.core.errors import ConfigError
from smmdesk.core.settings import Settings
from smmdesk.ui import theme
from tests.helpers.gui import close_window, open_window


class Browser(QObject):
    """Stands in for the web browser: Qt hands it the URLs the program opens."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


@pytest.fixture
def app(qapp: Any) -> Any:
    yield qapp
    theme.apply_theme(qapp, "light")  # the other tests' look


def lightness(app: Any, role: QPalette.ColorRole) -> int:
    return app.palette().color(role).lightness()


def test_light_and_dark_palettes(app: Any) -> None:
    assert theme.apply_theme(app, "dark") == "dark"
    assert lightness(app, QPalette.ColorRole.Window) < 60 < lightness(app, QPalette.ColorRole.Text)
    assert theme.colour("problem") == "#ff8a80"  # the red that reads on dark
    assert theme.apply_theme(app, "light") == "light"
    assert lightness(app, QPalette.ColorRole.Window) > 200 > lightness(app, QPalette.ColorRole.Text)
    assert theme.apply_theme(app, "system") in ("light", "dark")  # the OS's (offscreen: light)


def test_icons_follow_the_theme(app: Any) -> None:
    theme.apply_theme(app, "light")
    light = theme.icon("refresh").pixmap(16).toImage()
    theme.apply_theme(app, "dark")
    dark = theme.icon("refresh").pixmap(16).toImage()
    assert not light.isNull() and not dark.isNull() and light != dark
    for name in theme.ICONS:  # every icon the program names exists in the fonts
        assert not theme.icon(name).isNull(), name


def test_the_theme_setting(tmp_path: Any) -> None:
    settings = Settings.load(tmp_path)
    assert settings.theme == "system"
    assert settings.update(theme="dark").theme == "dark"
    with pytest.raises(ConfigError, match="theme must be one of system, light, dark"):
        settings.update(theme="blue")


def test_the_window_takes_the_chosen_look_and_a_toolbar(
    app: Any, gui_desk: Any, qtbot: Any
) -> None:
    Settings.load(gui_desk.folder).update(theme="dark").save()
    window = open_window(gui_desk, qtbot)
    try:
        assert theme.mode() == "dark"
        [bar] = [b for b in window.findChildren(QToolBar) if b.objectName() == "mainToolbar"]
        shown = [a.iconText() for a in bar.actions() if a.iconText()]
        assert shown[:4] == ["Add panel", "Add funds", "Refresh", "New order"]
        assert all(not a.icon().isNull() for a in bar.actions() if a.iconText())
        assert "(F5)" in window.actions_by_name["refresh"].toolTip()
        window.apply_settings(window.settings.update(theme="light"))
        assert theme.mode() == "light"
        empty = window.orders.empty_label  # no order yet: what to do instead
        assert empty.isVisible() and "No orders yet" in empty.text()
    finally:
        close_window(window, qtbot)


def test_add_funds_opens_the_panels_site(app: Any, gui_desk: Any, qtbot: Any) -> None:
    from smmdesk.ui.shell.toolbar import site_of

    assert site_of("https://panel.example/api/v2") == "https://panel.example/"
    assert site_of("http://127.0.0.1:8123/api/v2") == "http://127.0.0.1:8123/"
    window = open_window(gui_desk, qtbot)
    try:
        window.panels.select("demo")
        QApplication.processEvents()
        browser = Browser()
        QDesktopServices.setUrlHandler("http", browser, "open")
        try:
            window.actions_by_name["add_funds"].trigger()
        finally:
            QDesktopServices.unsetUrlHandler("http")
        assert browser.opened == [site_of(gui_desk.panel("demo").url)]
        assert "add funds there" in window.status.currentMessage()
    finally:
        close_window(window, qtbot)
