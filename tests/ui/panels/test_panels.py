"""The panel manager and the panel list: add (refused key, good key -> keyring only), test
the connection, edit, remove, no usable keyring, balances and the low-balance highlight."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt

from smmdesk.core.desk import Desk
from smmdesk.core.secrets import SERVICE_NAME, KeyStore
from smmdesk.ui.events import DeskEvents
from smmdesk.ui.jobs import Jobs
from smmdesk.ui.panels.editor import PanelEditor
from smmdesk.ui.panels.listing import PanelsModel, PanelsPane
from smmdesk.ui.panels.manager import PanelManager
from smmdesk.ui.theme import colour
from tests.helpers.gui import click_button, wait_box, wait_for


@pytest.fixture
def tools(gui_desk: Any, qtbot: Any) -> Any:
    events, jobs = DeskEvents(gui_desk), Jobs()
    yield events, jobs
    qtbot.waitUntil(lambda: not jobs.busy, timeout=10_000)


def editor_for(desk: Any, tools: Any, qtbot: Any, **typed: str) -> PanelEditor:
    events, jobs = tools
    editor = PanelEditor(desk, events, jobs)
    qtbot.addWidget(editor)
    editor.open()
    for name, text in typed.items():
        getattr(editor, name).setText(text)
    return editor


def test_a_wrong_key_shows_the_panels_refusal_and_keeps_nothing(
    gui_desk: Any, demo_panel: Any, memory_keyring: Any, tools: Any, qtbot: Any
) -> None:
    editor = editor_for(gui_desk, tools, qtbot, name="Second", url=demo_panel.url, key="wrong")
    editor.save()
    box = wait_box(editor, "errorBox", qtbot)
    assert "does not accept this API key" in box.text()
    assert "The panel said:" in box.detailedText()
    assert editor.isVisible()  # stays open to fix the key
    assert [p.name for p in gui_desk.panels()] == ["demo"]
    assert (SERVICE_NAME, "Second") not in memory_keyring.entries
    box.close()


def test_adding_a_panel_keeps_the_key_in_the_keyring_only(
    gui_desk: Any, demo_panel: Any, memory_keyring: Any, tools: Any, qtbot: Any
) -> None:
    key = demo_panel.add_account(balance=Decimal("75"), currency="EUR")
    editor = editor_for(gui_desk, tools, qtbot, name="Euro", url=demo_panel.url, key=key)
    assert editor.key.echoMode() == editor.key.EchoMode.Password
    events = tools[0]
    with qtbot.waitSignal(events.panels_changed, timeout=10_000):
        editor.save()
    assert not editor.isVisible()
    panel = gui_desk.panel("Euro")
    assert (panel.currency, panel.balance) == ("EUR", Decimal("75"))
    assert memory_keyring.entries[(SERVICE_NAME, "Euro")] == key
    files = [p for p in gui_desk.folder.rglob("*") if p.is_file()]
    assert files and not any(key.encode() in p.read_bytes() for p in files)


def test_test_connection_shows_the_balance(
    gui_desk: Any, demo_panel: Any, tools: Any, qtbot: Any
) -> None:
    editor = editor_for(gui_desk, tools, qtbot, name="x", url=demo_panel.url, key=demo_panel.key)
    editor.test()
    qtbot.waitUntil(lambda: "accepted the key" in editor.result.text(), timeout=10_000)
    assert "1,000.00 USD" in editor.result.text()
    assert [p.name for p in gui_desk.panels()] == ["demo"]  # a test keeps nothing
    editor.close()


def test_no_usable_keyring_is_said_plainly(tmp_path: Any, tools: Any, qtbot: Any) -> None:
    desk = Desk(tmp_path / "data", KeyStore(backend=fail.Keyring()))
    try:
        editor = editor_for(desk, tools, qtbot)
        assert "No usable system keyring" in editor.keyring_note.text()
        assert editor.keyring_note.isVisibleTo(editor)
        assert not editor.save_button.isEnabled()
        manager = PanelManager(desk, *tools)
        qtbot.addWidget(manager)
        assert "never in a file" in manager.keyring_note.text()
        assert not manager.add_button.isEnabled()
    finally:
        desk.db.close()


def test_edit_and_remove_through_the_manager(
    gui_desk: Any, memory_keyring: Any, tools: Any, qtbot: Any
) -> None:
    events, jobs = tools
    manager = PanelManager(gui_desk, events, jobs)
    qtbot.addWidget(manager)
    manager.open()
    assert manager.chosen() == "demo"
    editor = manager.edit()
    assert editor is not None and editor.name.isReadOnly()
    editor.pace.setValue(300)
    with qtbot.waitSignal(events.panels_changed, timeout=10_000):
        editor.save()
    assert gui_desk.panel("demo").rate_limit == 300

    assert "speaks: multiStatus, batch refill" in manager.list.item(0).text()
    manager.test()
    qtbot.waitUntil(lambda: "answered" in manager.result.text(), timeout=10_000)
    assert "It speaks: multiStatus" in manager.result.text()
    speaks = manager.show_speaks()
    assert speaks is not None and "speaks: multiStatus" in speaks.summary.text()
    speaks.reject()

    box = manager.ask_remove()
    assert box is not None and "Remove the panel demo?" in box.text()
    click_button(box, "Remove")  # (a change told earlier may still be on its way: wait)
    qtbot.waitUntil(lambda: gui_desk.panels() == [], timeout=10_000)
    assert (SERVICE_NAME, "demo") not in memory_keyring.entries
    qtbot.waitUntil(lambda: manager.list.count() == 0, timeout=10_000)
    manager.close()


def test_the_panel_list_shows_balances_and_highlights_low_ones(
    gui_desk: Any, demo_panel: Any, qtbot: Any, qtmodeltester: Any
) -> None:
    events = DeskEvents(gui_desk)
    pane = PanelsPane(gui_desk, events)
    qtbot.addWidget(pane)
    model = pane.model
    qtmodeltester.check(model)
    balance = model.index(0, PanelsModel.BALANCE)
    assert model.data(balance) == "1,000.00 USD"
    assert model.data(balance, Qt.ItemDataRole.ForegroundRole) is None

    model.set_threshold(Decimal("5000"))
    low = model.data(balance, Qt.ItemDataRole.ForegroundRole).color()
    assert low.name() == colour("low")  # the theme's red: readable in light and dark
    assert "Low balance" in model.data(balance, Qt.ItemDataRole.ToolTipRole)
    assert model.data(balance, Qt.ItemDataRole.DecorationRole) is not None  # not colour only

    demo_panel.set_balance("12.5")
    wait_for(gui_desk.refresh_balance("demo"), qtbot)
    with qtbot.waitSignal(model.dataChanged):
        events.balances_changed.emit()
    assert model.data(balance) == "12.50 USD"
    model.set_errors({"demo": "The panel did not answer."})
    name = model.index(0, PanelsModel.NAME)
    assert "did not answer" in model.data(name, Qt.ItemDataRole.ToolTipRole)
    qtmodeltester.check(model)


def test_choosing_a_panel_says_which(gui_desk: Any, demo_panel: Any, qtbot: Any) -> None:
    key = demo_panel.add_account(currency="EUR")
    wait_for(gui_desk.add_panel("Another", demo_panel.url, key), qtbot)
    events = DeskEvents(gui_desk)
    pane = PanelsPane(gui_desk, events)
    qtbot.addWidget(pane)
    assert pane.current_name() == "Another"  # sorted by name, first one chosen
    with qtbot.waitSignal(pane.panel_selected) as chosen:
        pane.select("demo")
    assert chosen.args == ["demo"]
    events.panels_changed.emit()
    assert pane.current_name() == "demo"  # kept across a reload
