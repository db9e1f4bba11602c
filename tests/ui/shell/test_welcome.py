"""The first run: with no panel the window says what to do (add a panel, or try the demo);
once a panel is added the orders view takes its place."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from smmdesk.core.desk import Desk
from smmdesk.ui.panels.editor import PanelEditor
from smmdesk.ui.shell.welcome import demo_command
from tests.helpers.gui import close_window, open_window, wait_for


@pytest.fixture
def empty_desk(tmp_path: Any, keystore: Any, aloop: Any, qtbot: Any) -> Any:
    desk = Desk(tmp_path / "fresh", keystore)
    yield desk
    wait_for(desk.aclose(), qtbot)


def test_first_run_shows_what_to_do(empty_desk: Any, demo_panel: Any, qtbot: Any) -> None:
    window = open_window(empty_desk, qtbot)
    try:
        window.start()
        assert window.pages.currentWidget() is window.welcome
        assert (
            "To start, add a panel."
            in window.welcome.findChild(type(window.welcome.keyring_note), "welcomeText").text()
        )
        assert not window.welcome.keyring_note.isVisibleTo(window)  # a keyring is usable
        assert not any(dock.isVisibleTo(window) for dock in window.docks.values())

        window.welcome.add_button.click()
        editor = next(w for w in window.findChildren(PanelEditor) if w.isVisible())
        editor.name.setText("Main")
        editor.url.setText(demo_panel.url)
        editor.key.setText(demo_panel.key)
        with qtbot.waitSignal(window.events.panels_changed, timeout=10_000):
            editor.save()
        assert window.pages.currentWidget() is window.orders
        assert all(dock.isVisibleTo(window) for dock in window.docks.values())
        assert window.panels.current_name() == "Main"
    finally:
        close_window(window, qtbot)


def test_without_a_keyring_the_welcome_says_so_first(tmp_path: Any, aloop: Any, qtbot: Any) -> None:
    from keyring.backends import fail

    from smmdesk.core.secrets import KeyStore

    desk = Desk(tmp_path / "nokeys", KeyStore(backend=fail.Keyring()))
    window = open_window(desk, qtbot)
    try:
        note = window.welcome.keyring_note
        assert note.isVisibleTo(window)
        assert "No usable system keyring" in note.text()
    finally:
        close_window(window, qtbot)
        wait_for(desk.aclose(), qtbot)


def test_the_demo_starts_in_its_own_process() -> None:
    program, args = demo_command()
    assert program == sys.executable
    assert args == ["-m", "smmdesk", "--demo"]
